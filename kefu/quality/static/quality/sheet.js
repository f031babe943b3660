// The appraisal sheet's live recomputation (issue 16 Q2): the sheet's lines, plus the line being typed
// into the add form and the adjustment being typed, sent to POST /api/quality/appraisals/preview — the
// same computation the server stores — and the score, grade, pay change and flag shown before saving.
// A file of its own because the Content-Security-Policy refuses inline script.
(function () {
  "use strict";
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }
  function emergencyTier(tiers, minutes) {
    // The tiers of rule quality.emergency_late_tiers as the page sent them (the server picks the same).
    for (var i = 0; i < tiers.length; i++) {
      if (tiers[i].bound === null || minutes <= tiers[i].bound) return tiers[i];
    }
    return tiers[tiers.length - 1];
  }
  function setUp() {
    var box = document.getElementById("live-preview");
    var data = document.getElementById("sheet-preview");
    if (!box || !data) return;
    var base = JSON.parse(data.textContent);
    var item = document.getElementById("add-item");
    var points = document.getElementById("add-points");
    var minutes = document.getElementById("add-minutes");
    var adjust = document.getElementById("adjust-points");
    var reason = document.getElementById("adjust-reason");
    var timer = null;

    function candidate() {
      var m = minutes ? parseInt(minutes.value, 10) : NaN;
      if (m > 0 && base.emergency_tiers && base.emergency_tiers.length) {
        var tier = emergencyTier(base.emergency_tiers, m);
        return { kind: tier.kind, points: tier.points, label: "突发事件处理超时（试算）" };
      }
      if (!item || !item.value) return null;
      var option = item.options[item.selectedIndex];
      var value = points && points.value !== "" ? parseInt(points.value, 10) : parseInt(option.getAttribute("data-min"), 10);
      return { kind: option.getAttribute("data-kind"), points: value, label: option.text + "（试算）" };
    }

    function show(result) {
      document.getElementById("live-score").textContent = result.score;
      document.getElementById("live-grade").textContent = result.grade || "无";
      document.getElementById("live-pay").textContent = (result.pay_delta > 0 ? "+" : "") + result.pay_delta;
      document.getElementById("live-flag").textContent = result.termination_flag ? "解除合同提示：" + (result.termination_reasons || []).join("；") : "";
      document.getElementById("live-error").textContent = "";
    }

    function refuse(body) {
      var errors = (body && body.errors) || {};
      var text = Object.keys(errors).map(function (key) { return key + "：" + errors[key].join("；"); }).join("　");
      document.getElementById("live-error").textContent = text || "试算失败";
    }

    function run() {
      var items = base.items.slice();
      var extra = candidate();
      if (extra) items.push(extra);
      var body = {
        month: base.month,
        joined_on: base.joined_on,
        items: items,
        adjustment: adjust && adjust.value !== "" ? parseInt(adjust.value, 10) : base.adjustment,
        adjustment_reason: reason ? reason.value : base.adjustment_reason,
        last_place_twice_below: base.last_place_twice_below
      };
      fetch(box.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (json) {
          if (response.ok) show(json); else refuse(json);
        });
      }).catch(function () {
        document.getElementById("live-error").textContent = "试算暂不可用";
      });
    }

    function later() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, 250);
    }
    [item, points, minutes, adjust, reason].forEach(function (field) {
      if (field) {
        field.addEventListener("input", later);
        field.addEventListener("change", later);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
