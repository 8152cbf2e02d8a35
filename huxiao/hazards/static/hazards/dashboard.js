// 隐患统计: stacked bars per region from the numbers the page rendered (json_script, no inline JS)
(function () {
  var el = document.getElementById("hazard-chart");
  var src = document.getElementById("hazard-chart-data");
  if (!el || !src || !window.echarts) { return; }
  var d = JSON.parse(src.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: d.labels },
    grid: { left: 40, right: 20, bottom: 60 },
    xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: d.labels[0], type: "bar", data: d.open, itemStyle: { color: "#0b3d91" } },
      { name: d.labels[1], type: "bar", data: d.overdue, itemStyle: { color: "#dc3545" } },
      { name: d.labels[2], type: "bar", data: d.closed, itemStyle: { color: "#198754" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
