/* The field page (inspection, I2): the location is read only when the inspector presses 记录位置 (the
   browser asks for permission then); the rectification notice's deadline is filled with the rule's
   default when that kind is chosen; 分享 uses the phone's share sheet when there is one, else copies
   the print page's address. A file, not inline script: the Content-Security-Policy refuses those. */
(function () {
  "use strict";
  var locate = document.querySelector("[data-locate]");
  var status = document.getElementById("locate-status");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var c = position.coords;
          document.getElementById("ev-lat").value = c.latitude.toFixed(6);
          document.getElementById("ev-lng").value = c.longitude.toFixed(6);
          document.getElementById("ev-acc").value = Math.round(c.accuracy || 0);
          status.textContent = "已记录位置：" + c.latitude.toFixed(5) + ", " + c.longitude.toFixed(5) +
            "（精度约" + Math.round(c.accuracy || 0) + "米）";
        },
        function () {
          status.textContent = "未能取得位置（未允许定位或信号不好），可不记录位置继续上传。";
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  var kind = document.getElementById("no-kind");
  var deadline = document.getElementById("no-deadline");
  function fillDeadline() {
    if (!kind || !deadline) { return; }
    if (kind.value === "rectify") {
      deadline.disabled = false;
      if (!deadline.value) { deadline.value = deadline.getAttribute("data-default"); }
    } else {
      deadline.value = "";
      deadline.disabled = true;
    }
  }
  if (kind) { kind.addEventListener("change", fillDeadline); fillDeadline(); }
  document.querySelectorAll("[data-share]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var url = new URL(link.getAttribute("href"), window.location.href).href;
      if (navigator.share) {
        event.preventDefault();
        navigator.share({ title: link.getAttribute("data-share-title") || document.title, url: url }).catch(function () {});
      } else if (navigator.clipboard) {
        event.preventDefault();
        navigator.clipboard.writeText(url).then(function () { link.textContent = "已复制链接"; });
      }
    });
  });
})();
