// 护学岗统计: 设置率 and 到岗率 per region from the numbers the page rendered (json_script, no inline JS)
(function () {
  var el = document.getElementById("patrol-chart");
  var src = document.getElementById("patrol-chart-data");
  if (!el || !src || !window.echarts) { return; }
  var d = JSON.parse(src.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: d.labels },
    grid: { left: 40, right: 20, bottom: 60 },
    xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max: 100 },
    series: [
      { name: d.labels[0], type: "bar", data: d.setting, itemStyle: { color: "#0b3d91" } },
      { name: d.labels[1], type: "bar", data: d.attendance, itemStyle: { color: "#198754" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
