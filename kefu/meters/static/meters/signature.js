// The customer's on-screen signature on the 换表通知书 (ch.4 §4.3.6): drawn on a canvas with mouse,
// pen or finger, kept as a PNG data URL in the form's hidden field when the form is sent. A file of its
// own because the Content-Security-Policy refuses inline script.
(function () {
  "use strict";
  function setUp() {
    var canvas = document.getElementById("signature-pad");
    if (!canvas) return;
    var field = document.getElementById(canvas.getAttribute("data-target"));
    var context = canvas.getContext("2d");
    var drawing = false, drawn = false;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#111";
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left) * canvas.width / box.width,
               y: (event.clientY - box.top) * canvas.height / box.height };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    function end() { drawing = false; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = document.getElementById("signature-clear");
    if (clear) clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      if (field) field.value = "";
    });
    var form = canvas.closest("form");
    if (form) form.addEventListener("submit", function () {
      if (field) field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
