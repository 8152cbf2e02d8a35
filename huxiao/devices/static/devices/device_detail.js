// A device's heartbeat history: counts per hour or day from the numbers the page rendered (json_script, no
// inline JS), with the least a period needs for the device to stay networked as a dashed line and the
// periods that fell short (marked by the server) in red.
(function () {
  var el = document.getElementById("heartbeat-chart");
  var src = document.getElementById("heartbeat-chart-data");
  if (!el || !src || !window.echarts) { return; }
  var d = JSON.parse(src.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [d.names.count, d.names.expected], top: 0 },
    grid: { left: 48, right: 24, top: 36, bottom: 48, containLabel: true },
    xAxis: { type: "category", data: d.labels, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: d.names.count, type: "bar", data: d.counts.map(function (n, i) {
          return { value: n, itemStyle: { color: d.short[i] ? "#dc3545" : "#0b3d91" } };
        }) },
      { name: d.names.expected, type: "line", symbol: "none", data: d.labels.map(function () { return d.expected; }),
        lineStyle: { type: "dashed", color: "#198754" }, itemStyle: { color: "#198754" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
