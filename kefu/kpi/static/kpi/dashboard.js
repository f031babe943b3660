/* Draws the KPI dashboard with ECharts (vendored, no CDN) from the figures the page embeds, and turns
   every click on a chart into the list behind it. The page works without this script too: the tiles and
   the table link to the same lists. */
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("kpi-figures").textContent);
  var listUrl = JSON.parse(document.getElementById("kpi-urls").textContent).list;
  var base = figures.filters.query;
  var charts = [];
  // The callback rule's hours as the administrator set them (hotline.callback_hours), named by the page.
  var unitChart = document.getElementById("chart-unit");
  var callbackLabel = (unitChart && unitChart.dataset.callbackLabel) || "回电率";

  function go(metric, extra) {
    var params = new URLSearchParams(base);
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    window.location.href = listUrl.replace("METRIC", metric) + "?" + params.toString();
  }

  var handled = 0;

  function draw(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return;
    handled += 1;
    var empty = option.series.every(function (s) {
      return !s.data || !s.data.length || s.data.every(function (v) { return !v || v.value === 0; });
    });
    if (empty) {
      // nothing to draw: say so instead of empty axes
      el.innerHTML = '<p class="empty">所选范围内无数据</p>';
      el.dataset.ready = "1";
      return;
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    option.tooltip = option.tooltip || { trigger: "axis" };
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    el.dataset.ready = "1";
    charts.push(chart);
  }

  function pct(v) { return v === null || v === undefined ? null : v; }
  function labels(rows) { return rows.map(function (r) { return r.label; }); }

  // Trend with the same period last year; a click opens that day's (or month's) contacts.
  var trend = figures.trend;
  draw("chart-trend", {
    legend: { data: ["本期", "去年同期"] },
    grid: { left: 50, right: 20, top: 30, bottom: 30 },
    xAxis: { type: "category", data: trend.labels },
    yAxis: { type: "value", name: "件" },
    series: [
      { name: "本期", type: trend.by === "day" ? "line" : "bar", data: trend.current },
      { name: "去年同期", type: "line", data: trend.last_year, lineStyle: { type: "dashed" } },
    ],
  }, function (p) {
    if (p.seriesName !== "本期") return;
    var label = trend.labels[p.dataIndex];
    if (trend.by === "day") return go("contacts", { start: label, end: label });
    var parts = label.split("-"), y = +parts[0], m = +parts[1];
    var last = new Date(y, m, 0).getDate();
    var start = label + "-01", end = label + "-" + String(last).padStart(2, "0");
    if (start < figures.filters.start) start = figures.filters.start;
    if (end > figures.filters.end) end = figures.filters.end;
    go("contacts", { start: start, end: end });
  });

  draw("chart-hour", {
    grid: { left: 45, right: 10, top: 20, bottom: 30 },
    xAxis: { type: "category", data: figures.by_hour.map(function (_, h) { return h + "时"; }) },
    yAxis: { type: "value" },
    series: [{ name: "来电来访", type: "bar", data: figures.by_hour }],
  });

  draw("chart-channel", {
    tooltip: { trigger: "item" },
    series: [{
      type: "pie", radius: ["35%", "65%"],
      data: figures.by_channel.map(function (r) { return { name: r.label, value: r.contacts, key: r.key }; }),
    }],
  }, function (p) { go("contacts", { channel: p.data.key }); });

  var units = figures.by_unit;
  draw("chart-unit", {
    legend: { data: ["工单", "按期办结率", callbackLabel] },
    grid: { left: 50, right: 50, top: 30, bottom: 60 },
    xAxis: { type: "category", data: labels(units), axisLabel: { interval: 0, rotate: units.length > 8 ? 30 : 0 } },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", min: 0, max: 100 }],
    series: [
      { name: "工单", type: "bar", data: units.map(function (r) { return r.orders; }) },
      { name: "按期办结率", type: "line", yAxisIndex: 1, data: units.map(function (r) { return pct(r.completion_rate); }) },
      { name: callbackLabel, type: "line", yAxisIndex: 1, data: units.map(function (r) { return pct(r.callback_rate); }) },
    ],
  }, function (p) {
    var key = units[p.dataIndex].key;
    var metric = p.seriesName === "按期办结率" ? "orders_closed_late" : p.seriesName === callbackLabel ? "callbacks_late" : "contacts";
    go(metric, { unit: key });
  });

  var categories = figures.by_category;
  draw("chart-category", {
    legend: { data: ["来电来访", "按期办结率"] },
    grid: { left: 50, right: 50, top: 30, bottom: 60 },
    xAxis: { type: "category", data: labels(categories), axisLabel: { interval: 0, rotate: categories.length > 8 ? 30 : 0 } },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", min: 0, max: 100 }],
    series: [
      { name: "来电来访", type: "bar", data: categories.map(function (r) { return r.contacts; }) },
      { name: "按期办结率", type: "line", yAxisIndex: 1, data: categories.map(function (r) { return pct(r.completion_rate); }) },
    ],
  }, function (p) {
    var key = categories[p.dataIndex].key;
    go(p.seriesName === "按期办结率" ? "orders_closed_late" : "contacts", { category: key });
  });

  var area = figures.area_matters;
  var max = area.cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 0);
  draw("chart-area", {
    tooltip: { position: "top", trigger: "item" },
    grid: { left: 110, right: 20, top: 10, bottom: 80 },
    xAxis: { type: "category", data: labels(area.categories), splitArea: { show: true }, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "category", data: labels(area.areas), splitArea: { show: true } },
    visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ name: "来电来访", type: "heatmap", data: area.cells, label: { show: area.areas.length <= 12 } }],
  }, function (p) {
    var c = area.categories[p.data[0]], a = area.areas[p.data[1]];
    go("contacts", { category: c.key, area: a.key || "" });
  });

  var open = figures.open_orders.rows;
  draw("chart-open", {
    legend: { data: ["未办结", "超期"] },
    grid: { left: 50, right: 20, top: 30, bottom: 60 },
    xAxis: { type: "category", data: labels(open), axisLabel: { interval: 0, rotate: open.length > 8 ? 30 : 0 } },
    yAxis: { type: "value", name: "件" },
    series: [
      { name: "未办结", type: "bar", data: open.map(function (r) { return r.open; }) },
      { name: "超期", type: "bar", data: open.map(function (r) { return r.overdue; }), itemStyle: { color: "#d92d20" } },
    ],
  }, function (p) {
    go(p.seriesName === "超期" ? "overdue_orders" : "open_orders", { row_unit: open[p.dataIndex].key });
  });

  var agents = figures.agents;
  if (agents.length) {
    draw("chart-agent", {
      legend: { data: ["受理", "转办及时率", "三声内接听率"] },
      grid: { left: 50, right: 50, top: 30, bottom: 70 },
      xAxis: { type: "category", data: labels(agents), axisLabel: { interval: 0, rotate: 40 } },
      yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", min: 0, max: 100 }],
      series: [
        { name: "受理", type: "bar", data: agents.map(function (r) { return r.contacts; }) },
        { name: "转办及时率", type: "line", yAxisIndex: 1, data: agents.map(function (r) { return pct(r.transfer_rate); }) },
        { name: "三声内接听率", type: "line", yAxisIndex: 1, data: agents.map(function (r) { return pct(r.ring_rate); }) },
      ],
    }, function (p) { go("agent", { agent: agents[p.dataIndex].agent_id }); });
  }

  var businesses = figures.counter.businesses;
  draw("chart-counter", {
    legend: { data: ["受理", "办结"] },
    grid: { left: 45, right: 10, top: 30, bottom: 60 },
    xAxis: { type: "category", data: labels(businesses), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      { name: "受理", type: "bar", data: businesses.map(function (r) { return r.taken; }) },
      { name: "办结", type: "bar", data: businesses.map(function (r) { return r.completed; }) },
    ],
  }, function (p) { go("counter_taken", { business: businesses[p.dataIndex].key }); });

  var stages = figures.counter.overdue_stages;
  draw("chart-stage", {
    tooltip: { trigger: "item" },
    grid: { left: 150, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: labels(stages) },
    series: [{ name: "超时", type: "bar", data: stages.map(function (r) { return r.overdue; }), itemStyle: { color: "#d92d20" } }],
  }, function (p) { go("counter_overdue", { stage: stages[p.dataIndex].key }); });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.dataset.kpiCharts = String(handled);
})();
