// 隐患统计: open, overdue and closed hazards per region (js/region-bars.js)
regionBars({ chart: "hazard-chart", data: "hazard-chart-data", yAxis: { minInterval: 1 },
             series: [{ key: "open", color: "#0b3d91" }, { key: "overdue", color: "#dc3545" },
                      { key: "closed", color: "#198754" }] });
