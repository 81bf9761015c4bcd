// Draws each chart from the numbers the server put in its data-chart attribute;
// the table below each chart holds the same numbers for reading and pasting.
const words = document.getElementById("dashboard-words").dataset;
const SERIES_NAMES = {
  amount_saved: words.amountSaved,
  verified: words.verified,
  attendees: words.attendees,
  app_installs: words.appInstalls,
};
// Money on the left axis, counts on the right: they differ by orders of magnitude.
const RIGHT_AXIS = new Set(["verified", "app_installs"]);

function draw(element) {
  const data = JSON.parse(element.dataset.chart);
  const chart = echarts.init(element, null, {renderer: "svg"});
  chart.setOption({
    animation: false,
    aria: {enabled: true},
    color: ["#c8102e", "#1f5fa8"],
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 8, right: 8, top: 36, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.categories, axisLabel: {hideOverlap: true}},
    yAxis: [{type: "value"}, {type: "value", splitLine: {show: false}}],
    series: data.series.map((s) => ({
      id: s.name,
      name: SERIES_NAMES[s.name] || s.name,
      type: data.kind,
      yAxisIndex: RIGHT_AXIS.has(s.name) ? 1 : 0,
      data: s.values,
    })),
  });
  window.addEventListener("resize", () => chart.resize());
}

if (window.echarts) {
  document.querySelectorAll(".chart[data-chart]").forEach(draw);
}
