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

// Axis ticks in 万 (ten thousand yuan) in Chinese, as bank reports write them.
function yuanTick(value) {
  if (document.documentElement.lang.startsWith("zh") && Math.abs(value) >= 10000) {
    return `${value / 10000}万`;
  }
  return value.toLocaleString(document.documentElement.lang);
}

function draw(element) {
  const data = JSON.parse(element.dataset.chart);
  // Names (fraud types, branches) read better down the side on a narrow phone.
  const across = data.kind === "hbar";
  const categoryAxis = {type: "category", data: data.categories, axisLabel: {hideOverlap: true}};
  // Counts are whole numbers: no 0.5 ticks.
  const valueAxes = [
    {type: "value", axisLabel: {hideOverlap: true, formatter: yuanTick}},
    {type: "value", minInterval: 1, splitLine: {show: false}, axisLabel: {hideOverlap: true}},
  ];
  if (across) {
    categoryAxis.inverse = true;
    element.style.height = `${Math.max(220, 60 + data.categories.length * 44)}px`;
  }
  const chart = echarts.init(element, null, {renderer: "svg"});
  chart.setOption({
    animation: false,
    aria: {enabled: true},
    color: ["#c8102e", "#1f5fa8"],
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 8, right: 8, top: 36, bottom: 8, containLabel: true},
    xAxis: across ? valueAxes : categoryAxis,
    yAxis: across ? categoryAxis : valueAxes,
    series: data.series.map((s) => ({
      id: s.name,
      name: SERIES_NAMES[s.name] || s.name,
      type: across ? "bar" : data.kind,
      [across ? "xAxisIndex" : "yAxisIndex"]: RIGHT_AXIS.has(s.name) ? 1 : 0,
      data: s.values,
    })),
  });
  window.addEventListener("resize", () => chart.resize());
}

if (window.echarts) {
  document.querySelectorAll(".chart[data-chart]").forEach(draw);
}
