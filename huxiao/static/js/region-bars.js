// Bars per region (one group per child region) drawn with ECharts from the numbers a page rendered with
// json_script (no inline JS: the CSP forbids it). Shared by the dashboards of hazards and 护学岗.
//
//   regionBars({ chart: "hazard-chart", data: "hazard-chart-data",
//                series: [{ key: "open", color: "#0b3d91" }, …], yAxis: { minInterval: 1 } });
//
// The data holds `names` (the regions), `labels` (one per series, in order) and one array per series key.
// Returns the chart, or null when the page has no chart or ECharts is missing.
(function () {
  window.regionBars = function (options) {
    var el = document.getElementById(options.chart);
    var src = document.getElementById(options.data);
    if (!el || !src || !window.echarts) { return null; }
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: d.labels },
      grid: { left: 40, right: 20, bottom: 60 },
      xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 6 ? 30 : 0 } },
      yAxis: Object.assign({ type: "value" }, options.yAxis || {}),
      series: options.series.map(function (s, i) {
        return { name: d.labels[i], type: "bar", data: d[s.key], itemStyle: { color: s.color } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  };
})();
