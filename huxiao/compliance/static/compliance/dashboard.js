// 达标看板: rule rates (bar, with each rule's target) and the 三个100% trend from daily snapshots.
(function () {
  var holder = document.getElementById("compliance-chart-data");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var pct = function (v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; };

  var rulesEl = document.getElementById("chart-rules");
  if (rulesEl) {
    var chart = echarts.init(rulesEl);
    // axis labels are the rules' names (cut with an ellipsis to the room there is; the tooltip has it whole)
    var names = data.rules.map(function (r) { return r.name; });
    var labelWidth = Math.max(90, Math.min(220, Math.round(rulesEl.clientWidth * 0.38)));
    chart.setOption({
      // containLabel: the names and the "100%" labels are inside the chart, never clipped at its edges
      grid: { left: 8, right: 56, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, formatter: function (items) {
        var r = data.rules[items[0].dataIndex];
        return r.id + " " + r.name + "<br>达标率 " + (r.rate === null ? "—" : pct(r.rate) + "%") + "，目标 " + pct(r.target) + "%";
      } },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, inverse: true,
               axisLabel: { width: labelWidth, overflow: "truncate", ellipsis: "…", interval: 0 } },
      series: [
        { type: "bar", name: "达标率", barMaxWidth: 22, data: data.rules.map(function (r) {
            var v = pct(r.rate);
            return { value: v, itemStyle: { color: v !== null && v >= pct(r.target) ? "#198754" : "#dc3545" } };
          }), label: { show: true, position: "right", formatter: function (p) { return p.value === null || p.value === undefined ? "—" : p.value + "%"; } } },
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
      // the legend lists the rules one a line below the chart, each name whole (cut only past the chart's
      // width, whole in its tooltip): three names side by side did not fit and the last was cut
      grid: { left: 8, right: 24, top: 20, bottom: 22 * Math.max(series.length, 1) + 16, containLabel: true },
      legend: { bottom: 0, left: 8, orient: "vertical", itemGap: 6, tooltip: { show: true },
                textStyle: { width: Math.max(120, trendEl.clientWidth - 48), overflow: "truncate", ellipsis: "…" } },
      tooltip: { trigger: "axis", confine: true },
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
