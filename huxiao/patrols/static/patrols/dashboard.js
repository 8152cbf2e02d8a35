// 护学岗统计: 设置率 and 到岗率 per region (js/region-bars.js)
regionBars({ chart: "patrol-chart", data: "patrol-chart-data", yAxis: { max: 100 },
             series: [{ key: "setting", color: "#0b3d91" }, { key: "attendance", color: "#198754" }] });
