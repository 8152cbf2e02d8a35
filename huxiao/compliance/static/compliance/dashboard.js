// 达标看板: rule rates (bar, with each rule's target) and the 三个100% trend from daily snapshots.
(function () {
  var holder = document.getElementById("compliance-chart-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var pct = function (v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; };

  var rulesEl = document.getElementById("chart-rules");
  if (rulesEl) {
    var chart = echarts.init(rulesEl);
    var names = data.rules.map(function (r) { return r.id; });
    chart.setOption({
      grid: { left: 70, right: 30, top: 30, bottom: 30 },
      tooltip: { trigger: "axis", formatter: function (items) {
        var r = data.rules[items[0].dataIndex];
        return r.name + "<br>达标率 " + (r.rate === null ? "—" : pct(r.rate) + "%") + "，目标 " + pct(r.target) + "%";
      } },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { type: "bar", name: "达标率", data: data.rules.map(function (r) {
            var v = pct(r.rate);
            return { value: v, itemStyle: { color: v !== null && v >= pct(r.target) ? "#198754" : "#dc3545" } };
          }), label: { show: true, position: "right", formatter: function (p) { return p.value === null ? "—" : p.value + "%"; } } },
        { type: "scatter", name: "目标", symbol: "rect", symbolSize: [3, 16], itemStyle: { color: "#212529" },
          data: data.rules.map(function (r) { return pct(r.target); }) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var trendEl = document.getElementById("chart-trend");
  if (trendEl) {
    var trend = echarts.init(trendEl);
    var series = [];
    var days = {};
    Object.keys(data.trend).forEach(function (ruleId) {
      data.trend[ruleId].forEach(function (p) { days[p[0]] = true; });
    });
    var axis = Object.keys(days).sort();
    Object.keys(data.trend).forEach(function (ruleId) {
      var byDay = {};
      data.trend[ruleId].forEach(function (p) { byDay[p[0]] = pct(p[1]); });
      var rule = data.rules.filter(function (r) { return r.id === ruleId; })[0];
      series.push({ type: "line", name: rule ? rule.name : ruleId, smooth: true, connectNulls: true,
                    data: axis.map(function (d) { return byDay[d] === undefined ? null : byDay[d]; }) });
    });
    trend.setOption({
      grid: { left: 50, right: 20, top: 60, bottom: 30 },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: axis },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: series,
      graphic: axis.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: "暂无每日快照", fill: "#6c757d" } }]
    });
    window.addEventListener("resize", function () { trend.resize(); });
  }

  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
