// Complaints statistics: the bar chart by prefecture.
// No inline scripts (strict CSP): data comes from <script type="application/json">.
(function () {
  "use strict";

  function drawPrefectures() {
    const box = document.getElementById("prefecture-chart");
    const source = document.getElementById("prefecture-data");
    if (!box || !source || typeof window.echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    if (!data.labels.length) {
      box.hidden = true;
      return;
    }
    const chart = window.echarts.init(box, null, { renderer: "canvas" });
    const series = [
      ["closed", "#2c8a3e"],
      ["closed_stage", "#d99a00"],
      ["in_progress", "#1d5fbf"],
    ].map(([key, colour]) => ({
      name: data.names[key],
      type: "bar",
      stack: "state",
      data: data.series[key],
      itemStyle: { color: colour },
      emphasis: { focus: "series" },
    }));
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 24, top: 40, bottom: 60 },
      legend: { top: 4 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", drawPrefectures);
})();
