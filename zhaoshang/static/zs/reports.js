// Charts of the monthly report and the dashboards (ECharts, vendored). The data comes
// from a json_script element the page renders beside its tables.
(function () {
  var node = document.getElementById("report-charts");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style attributes, which
    // the content policy (no inline styles) would strip of their layout and markers.
    if (option.tooltip) option.tooltip.renderMode = "richText";
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (data.units) {
    draw("chart-units", {
      tooltip: { trigger: "axis" },
      legend: { data: ["协议投资额（万元）", "签约项目（个）"] },
      grid: { left: 60, right: 50, bottom: 80 },
      xAxis: { type: "category", data: data.units.names, axisLabel: { rotate: 35, interval: 0 } },
      yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "个" }],
      series: [
        { name: "协议投资额（万元）", type: "bar", data: data.units.amount },
        { name: "签约项目（个）", type: "line", yAxisIndex: 1, data: data.units.signed }
      ]
    });
  }
  ["key_industry", "section", "area", "method"].forEach(function (dim) {
    if (!data[dim]) return;
    draw("chart-" + dim, {
      tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data[dim], label: { formatter: "{b}\n{c}个" } }]
    });
  });
  if (data.trend) {
    draw("chart-trend", {
      tooltip: { trigger: "axis" },
      legend: { data: ["签约项目（个）", "协议投资额（万元）", "到位资金（万元）"] },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "个" }],
      series: [
        { name: "协议投资额（万元）", type: "bar", data: data.trend.amount },
        { name: "到位资金（万元）", type: "bar", data: data.trend.funds },
        { name: "签约项目（个）", type: "line", yAxisIndex: 1, data: data.trend.signed }
      ]
    });
  }
  if (data.ranking) {
    draw("chart-ranking", {
      tooltip: { trigger: "axis" },
      grid: { left: 140, right: 30 },
      xAxis: { type: "value", name: "万元" },
      yAxis: { type: "category", inverse: true, data: data.ranking.names },
      series: [{ name: "协议投资额（万元）", type: "bar", data: data.ranking.amount }]
    });
  }
})();
