// Printing without inline script: the Content-Security-Policy allows scripts from kefu's own files only
// (script-src 'self'), so neither onclick="window.print()" nor an inline <script> would run.
//   <button type="button" data-print>打印</button>  prints when clicked (any element, links too);
//   <script src=".../print.js" data-print-on-load defer></script>  opens the print dialog once the
//   page has loaded (the print views of receipts, work orders, archives…).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-print]");
    if (!trigger) return;
    event.preventDefault();
    window.print();
  });
  var script = document.currentScript;
  if (script && script.hasAttribute("data-print-on-load")) {
    window.addEventListener("load", function () {
      setTimeout(function () { window.print(); }, 300);
    });
  }
})();
