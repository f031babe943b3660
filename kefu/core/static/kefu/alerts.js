/* The bell in the top bar (kefu.core.views_alerts): every minute, while the page is in view, ask
   /alerts/count for the unread count and update the badge; when the person turned desktop
   notifications on (the button "开启桌面通知" on the alerts page), show one for each new alert. The
   last alert id seen is kept in localStorage, so that several open tabs notify each alert once. */
(function () {
  "use strict";
  var POLL_MS = 60000;
  var SEEN_KEY = "kefu.alerts.latest";
  var OPT_KEY = "kefu.alerts.desktop";

  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: no memory between pages, no notifications */ }
    return null;
  }

  function desktopOn() {
    return "Notification" in window && Notification.permission === "granted" && store(OPT_KEY) === "on";
  }

  function showCount(bell, count) {
    var badge = document.getElementById("bell-count");
    if (!badge) { return; }
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = !count;
    bell.setAttribute("aria-label", count ? "我的提醒，未读" + count + "条" : "我的提醒");
    var total = document.getElementById("alerts-unread-total");
    if (total) { total.textContent = String(count); }
  }

  function notify(items) {
    items.slice().reverse().forEach(function (item) {
      var note = new Notification("kefu 提醒：" + item.kind, { body: item.message, tag: "kefu-alert-" + item.id });
      note.onclick = function () {
        window.focus();
        window.location.href = "/alerts/";
        note.close();
      };
    });
  }

  function poll(bell) {
    if (document.hidden) { return; }
    var seen = store(SEEN_KEY);
    var url = bell.getAttribute("data-count-url") + (seen ? "?after=" + encodeURIComponent(seen) : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        showCount(bell, data.unread);
        if (seen && data["new"] && data["new"].length && desktopOn()) { notify(data["new"]); }
        if (!seen || data.latest > Number(seen)) { store(SEEN_KEY, String(data.latest)); }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  function desktopButton() {
    var button = document.getElementById("alerts-desktop");
    var state = document.getElementById("alerts-desktop-state");
    if (!button || !("Notification" in window)) { return; }
    function describe() {
      if (Notification.permission === "denied") {
        button.hidden = true;
        state.textContent = "浏览器已拒绝桌面通知，可在浏览器设置中允许";
      } else if (desktopOn()) {
        button.hidden = false;
        button.textContent = "关闭桌面通知";
        state.textContent = "已开启桌面通知";
      } else {
        button.hidden = false;
        button.textContent = "开启桌面通知";
        state.textContent = "";
      }
    }
    button.addEventListener("click", function () {
      if (desktopOn()) {
        store(OPT_KEY, "off");
        describe();
        return;
      }
      Notification.requestPermission().then(function (permission) {
        store(OPT_KEY, permission === "granted" ? "on" : "off");
        describe();
      });
    });
    describe();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bell = document.getElementById("bell");
    desktopButton();
    if (!bell) { return; }
    poll(bell);
    window.setInterval(function () { poll(bell); }, POLL_MS);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(bell); } });
  });
})();
