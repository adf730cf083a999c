// The chain map (ECharts tree, vendored): links coloured by their gap (chains/gaps.py),
// the data from the page's JSON endpoint; clicking a link loads its panel (htmx) beside
// the map. No inline script or style: the content policy allows neither.
(function () {
  var el = document.getElementById("chain-map");
  if (!el || !window.echarts) return;
  var chart = echarts.init(el);
  function panelUrl(id) {
    return el.dataset.panel.replace(/0\/$/, id + "/");
  }
  fetch(el.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      // Ready once drawn and the opening animation has ended: until then the nodes are
      // still moving, and a click (a test's, or a quick user's) may miss its link.
      chart.on("finished", function () { el.dataset.ready = "1"; });
      chart.setOption({
        tooltip: {
          trigger: "item",
          renderMode: "richText",
          formatter: function (p) { return p.data.name + "\n" + (p.data.tip || []).join("\n"); }
        },
        series: [{
          type: "tree",
          data: [data],
          orient: "LR",
          top: 20, bottom: 20, left: 130, right: 170,
          symbol: "circle",
          symbolSize: 14,
          initialTreeDepth: -1,
          expandAndCollapse: false,
          label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
          leaves: { label: { position: "right", align: "left" } },
          lineStyle: { color: "#adb5bd" }
        }]
      });
    });
  chart.on("click", function (p) {
    if (!p.data || !p.data.id) return;  // the chain itself (id 0)
    htmx.ajax("GET", panelUrl(p.data.id), { target: "#link-panel", swap: "innerHTML" });
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
