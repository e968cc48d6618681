// Ledger pages: the planned-vs-reported chart and inline formset rows.
// No inline scripts (strict CSP): data comes from <script type="application/json">.
(function () {
  "use strict";

  function drawChart() {
    const box = document.getElementById("progress-chart");
    const source = document.getElementById("chart-data");
    if (!box || !source || typeof window.echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#1d5fbf", "#b7282e"],
      grid: { left: 48, right: 24, top: 40, bottom: 40 },
      legend: { data: [data.labels.planned, data.labels.reported], top: 4 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : v + "%") },
      xAxis: { type: "time" },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        {
          name: data.labels.planned,
          type: "line",
          data: data.planned,
          symbol: "circle",
          symbolSize: 5,
          lineStyle: { type: "dashed", width: 2 },
          markLine: {
            silent: true,
            symbol: "none",
            label: { formatter: data.labels.as_of + " " + data.as_of },
            lineStyle: { color: "#646a73", type: "dotted" },
            data: [{ xAxis: data.as_of }],
          },
        },
        {
          name: data.labels.reported,
          type: "line",
          step: "end",
          data: data.reported,
          symbol: "circle",
          symbolSize: 9,
          lineStyle: { width: 2 },
        },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  // <button data-add-row="PREFIX"> appends a copy of <template id="PREFIX-empty">.
  function addRow(prefix) {
    const template = document.getElementById(prefix + "-empty");
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const body = document.querySelector("#" + prefix + "-rows tbody");
    if (!template || !total || !body) {
      return;
    }
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("tbody");
    holder.innerHTML = html;
    const row = holder.querySelector("tr");
    row.querySelector("td").textContent = String(index + 1);
    body.appendChild(row);
    total.value = String(index + 1);
    const first = row.querySelector("input, textarea, select");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    drawChart();
    document.body.addEventListener("click", (event) => {
      const button = event.target.closest("[data-add-row]");
      if (button) {
        event.preventDefault();
        addRow(button.dataset.addRow);
      }
    });
  });
})();
