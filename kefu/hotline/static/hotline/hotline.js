// The workspace's few behaviours that htmx attributes do not cover: picking a suggested category.
(function () {
  function category() { return document.getElementById("id_category"); }

  function pick(id, byAgent) {
    var select = category();
    if (!select || !id) return;
    select.value = id;
    if (byAgent) select.dataset.touched = "1";
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-category]");
    if (!button) return;
    event.preventDefault();
    pick(button.dataset.pickCategory, true);
  });

  // A category the agent chose stays chosen: the suggestion only fills an untouched field.
  document.addEventListener("change", function (event) {
    if (event.target.id === "id_category" && event.isTrusted) event.target.dataset.touched = "1";
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var hint = target && target.querySelector && target.querySelector("[data-suggested-id]");
    var select = category();
    if (hint && select && select.dataset.touched !== "1") pick(hint.dataset.suggestedId, false);
  });
})();

// "清除" next to the selected customer: the call is from someone without an archive after all.
document.addEventListener("click", function (event) {
  if (!event.target.closest("[data-clear-customer]")) return;
  var input = document.getElementById("id_customer");
  if (input) input.value = "";
  var shown = document.getElementById("selected-customer");
  if (shown) shown.innerHTML = "";
  var history = document.getElementById("customer-history");
  if (history) history.innerHTML = '<div class="muted">选择客户后显示其最近来电和未办结工单</div>';
  document.body.dispatchEvent(new Event("customerSelected"));
});

// A form marked data-submit-once is sent once: its buttons are disabled while the request is in
// flight, so a double click does not record the call twice (the server's idempotency key is the
// guarantee; this spares the agent the second request). Re-enabled when the browser shows the page
// again from its back/forward cache.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-submit-once]")) return;
  if (form.dataset.sending === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
    button.disabled = true;
  });
});

window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    delete form.dataset.sending;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
      button.disabled = false;
    });
  });
});

// Choosing a customer in the lookup fills the caller's name, phone and address (issue 13 item 4) from
// the #customer-fill element the server swaps in; a field the agent has already typed in is kept. A
// phone the agent may only see masked is not filled: the placeholder says the archive's is used.
document.body.addEventListener("customerSelected", function () {
  var fill = document.getElementById("customer-fill");
  var chosen = document.getElementById("id_customer");
  if (!fill || !fill.dataset.name || !chosen || chosen.value !== fill.dataset.customer) return;
  function put(id, value) {
    var input = document.getElementById(id);
    if (input && value && !input.value.trim()) {
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  put("id_caller_name", fill.dataset.name);
  put("id_phone", fill.dataset.phone);
  put("id_address", fill.dataset.address);
  var phone = document.getElementById("id_phone");
  if (phone && !fill.dataset.phone && fill.dataset.phoneShown) {
    phone.placeholder = "留空则用档案电话 " + fill.dataset.phoneShown;
  }
  var area = document.getElementById("id_service_area");
  if (area && fill.dataset.area && !area.value) {
    area.value = fill.dataset.area;
    area.dispatchEvent(new Event("change", { bubbles: true }));
  }
});

// The matter's length against its limit, as the agent types or pastes: over the limit it says so in
// red (the server refuses it with the same words) instead of the browser silently cutting the text.
document.addEventListener("input", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("textarea[data-limit]")) return;
  var counter = document.querySelector('[data-for="' + box.id + '"]');
  if (!counter) return;
  var limit = parseInt(box.dataset.limit, 10);
  var length = box.value.length;
  counter.textContent = "已输入" + length + "字，最多" + limit + "字" + (length > limit ? "：超出" + (length - limit) + "字，请精简后再保存" : "");
  counter.classList.toggle("over-limit", length > limit);
});
