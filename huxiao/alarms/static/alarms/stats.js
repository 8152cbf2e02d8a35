// 报警统计: ECharts charts of the figures the page's tables show (json_script "hx-stats-data", no inline JS)
(function () {
  "use strict";
  var src = document.getElementById("hx-stats-data");
  if (!src || !window.echarts) { return; }
  var d = JSON.parse(src.textContent);
  var charts = [];
  window.hxAlarmCharts = {};

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
    window.hxAlarmCharts[id] = chart;
  }

  var grid = { left: 10, right: 20, top: 40, bottom: 10, containLabel: true };
  var legend = { type: "scroll", top: 0 };

  draw("hx-chart-day", {
    tooltip: { trigger: "axis" }, legend: legend, grid: grid,
    xAxis: { type: "category", data: d.days },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: d.labels.total, type: "bar", data: d.day_total, itemStyle: { color: "#0b3d91" } },
      { name: d.labels.real, type: "line", data: d.day_real, itemStyle: { color: "#dc3545" } }
    ]
  });
  draw("hx-chart-category", {
    tooltip: { trigger: "axis" }, grid: grid,
    xAxis: { type: "category", data: d.categories, axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: d.labels.count, type: "bar", data: d.category_counts, itemStyle: { color: "#0b3d91" },
               label: { show: true, position: "top" } }]
  });
  draw("hx-chart-disposition", {
    tooltip: { trigger: "item" }, legend: legend,
    series: [{ name: d.labels.count, type: "pie", radius: ["35%", "65%"], top: 30, data: d.dispositions,
               label: { formatter: "{b}：{c}" } }]
  });
  draw("hx-chart-response", {
    tooltip: { trigger: "axis" }, legend: legend, grid: grid,
    xAxis: { type: "category", data: d.bands, axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: d.labels.ack, type: "bar", data: d.band_ack, itemStyle: { color: "#fd7e14" } },
      { name: d.labels.arrive, type: "bar", data: d.band_arrive, itemStyle: { color: "#198754" } }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // the period picker: the month field for "按月", the dates for "自定义区间"
  var period = document.getElementById("id_period");
  function toggle() {
    var v = period.value;
    ["month"].forEach(function (n) { document.getElementById("id_" + n).disabled = v !== "month"; });
    ["start", "end"].forEach(function (n) { document.getElementById("id_" + n).disabled = v !== "custom"; });
  }
  if (period) { period.addEventListener("change", toggle); toggle(); }
})();
