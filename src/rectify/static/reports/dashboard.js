// Leader dashboard (挂图作战): KPIs, charts and the prefecture map as of a date.
// No inline scripts or styles (strict CSP): the first figures come from
// <script type="application/json" id="dashboard-data">, later ones from the JSON API
// (data-api); the map boundaries are a static file (data-map), so everything works offline.
// Every chart has a table of the same numbers next to it; a redraw rewrites both.
(function () {
  "use strict";

  const COLOURS = {
    signed_off: "#2c8a3e",
    completed: "#7cc28a",
    on_schedule: "#1d5fbf",
    behind_schedule: "#d99a00",
    not_started: "#9aa0a8",
    overdue: "#b7282e",
    total: "#1d5fbf",
    open: "#d99a00",
    received: "#1d5fbf",
    closed: "#2c8a3e",
  };
  // Map shading, light to dark, for each metric.
  const RAMPS = {
    open: ["#fdf3ee", "#f2b48f", "#d9602b", "#9c2f12"],
    warnings: ["#fff8e6", "#f5cf6b", "#d99a00", "#b7282e"],
  };
  const TOOLTIP = { renderMode: "richText" }; // an HTML tooltip would need inline styles
  // Region labels stay readable on dark and light areas alike.
  const HALO = { color: "#1f2329", textBorderColor: "rgba(255,255,255,.85)", textBorderWidth: 2.5 };

  let root, labels, data, metric = "open";
  let mapReady = false;
  let pending = null;
  let timer = null;
  const charts = {};

  function get(obj, path) {
    return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
  }

  function format(value, kind) {
    if (value == null) {
      return "—";
    }
    return kind === "percent" ? (value * 100).toFixed(1) + "%" : String(value);
  }

  // --- KPIs, links and tables -----------------------------------------------------------

  function renderFigures() {
    root.querySelectorAll("[data-value]").forEach((el) => {
      el.textContent = format(get(data, el.dataset.value), el.dataset.format);
    });
    root.querySelectorAll("[data-link]").forEach((el) => {
      const url = data.ledger[el.dataset.link];
      if (url) {
        el.href = url;
      }
    });
  }

  // A cell: {text, head, num, href, badge (class), dot (colour)}.
  function cell(spec) {
    const td = document.createElement(spec.head ? "th" : "td");
    if (spec.head) {
      td.scope = "row";
    }
    if (spec.num) {
      td.className = "num";
    } else if (spec.nowrap) {
      td.className = "nowrap";
    }
    let inner = td;
    if (spec.href) {
      inner = document.createElement("a");
      inner.href = spec.href;
      td.appendChild(inner);
    } else if (spec.badge) {
      inner = document.createElement("span");
      inner.className = "badge " + spec.badge;
      td.appendChild(inner);
    }
    if (spec.dot) {
      const dot = document.createElement("span");
      dot.className = "dot dot-" + spec.dot;
      dot.setAttribute("aria-hidden", "true");
      inner.appendChild(dot);
      inner.appendChild(document.createTextNode(" "));
    }
    inner.appendChild(document.createTextNode(spec.text == null ? "—" : String(spec.text)));
    return td;
  }

  const n = (value) => ({ text: value, num: true });

  const TABLES = {
    map: (d) => [
      ...d.map.regions.map((r) => [
        { text: r.name, head: true, href: r.url },
        n(r.total), n(r.open), n(r.red), n(r.yellow), n(r.blue),
      ]),
      [
        { text: labels.elsewhere, head: true },
        n(d.map.elsewhere.total), n(d.map.elsewhere.open), n(d.map.elsewhere.red),
        n(d.map.elsewhere.yellow), n(d.map.elsewhere.blue),
      ],
    ],
    burnup: (d) => d.burnup.map((p) => [{ text: p.date, head: true }, n(p.total), n(p.completed)]),
    status: (d) => d.status.map((s) => [{ text: s.label, head: true, badge: "st-" + s.key }, n(s.n)]),
    categories: (d) =>
      d.categories.map((c) => [{ text: c.name, head: true }, n(c.total), n(c.completed), n(c.open)]),
    ctypes: (d) =>
      d.complaints.by_pollution_type.map((t) => [{ text: t.name, head: true }, n(t.received), n(t.closed)]),
    cpref: (d) =>
      d.complaints.by_prefecture.map((p) => [{ text: p.name, head: true }, n(p.received), n(p.closed)]),
    warnings: (d) =>
      d.warning_list.map((w) => [
        { text: w.colour_label, dot: w.colour, nowrap: true },
        { text: w.number, nowrap: true },
        { text: w.title, href: w.url },
        { text: w.region, nowrap: true },
        { text: w.lead_unit },
        { text: w.deadline, nowrap: true },
        { text: w.status_label, badge: "st-" + w.status, nowrap: true },
      ]),
  };

  function renderTables() {
    root.querySelectorAll("table[data-table]").forEach((table) => {
      const rows = TABLES[table.dataset.table](data);
      const body = document.createElement("tbody");
      rows.forEach((cells) => {
        const tr = document.createElement("tr");
        cells.forEach((spec) => tr.appendChild(cell(spec)));
        body.appendChild(tr);
      });
      if (!rows.length && table.dataset.table === "warnings") {
        const tr = document.createElement("tr");
        const td = document.createElement("td");
        td.colSpan = 7;
        td.className = "muted";
        td.textContent = labels.no_warnings;
        tr.appendChild(td);
        body.appendChild(tr);
      }
      table.replaceChild(body, table.tBodies[0]);
    });
  }

  // --- charts -----------------------------------------------------------------------------

  function chart(id) {
    if (!charts[id]) {
      const box = document.getElementById(id);
      if (!box) {
        return null;
      }
      charts[id] = window.echarts.init(box, null, { renderer: "canvas" });
    }
    return charts[id];
  }

  function drawStatus() {
    const c = chart("chart-status");
    c.setOption({
      animation: false,
      tooltip: { ...TOOLTIP, trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
      series: [
        {
          type: "pie",
          radius: ["42%", "70%"],
          center: ["34%", "50%"],
          label: { formatter: "{c}" },
          data: data.status.map((s) => ({
            name: s.label,
            value: s.n,
            itemStyle: { color: COLOURS[s.key] },
            label: { show: s.n > 0 },
            labelLine: { show: s.n > 0 },
          })),
        },
      ],
    }, true);
  }

  function barOption(names, series, horizontal) {
    const category = { type: "category", data: names, axisLabel: { interval: 0 } };
    const value = { type: "value", minInterval: 1 };
    return {
      animation: false,
      tooltip: { ...TOOLTIP, trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: horizontal
        ? { left: 8, right: 24, top: 32, bottom: 8, containLabel: true }
        : { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : { ...category, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: series,
    };
  }

  function drawCategories() {
    const rows = data.categories;
    chart("chart-categories").setOption(barOption(rows.map((r) => r.name), [
      { name: labels.completed, type: "bar", stack: "n", data: rows.map((r) => r.completed), itemStyle: { color: COLOURS.closed } },
      { name: labels.open, type: "bar", stack: "n", data: rows.map((r) => r.open), itemStyle: { color: COLOURS.open } },
    ], true), true);
  }

  function drawComplaints() {
    const types = data.complaints.by_pollution_type;
    chart("chart-ctypes").setOption(barOption(types.map((t) => t.name), [
      { name: labels.received, type: "bar", data: types.map((t) => t.received), itemStyle: { color: COLOURS.received } },
      { name: labels.closed, type: "bar", data: types.map((t) => t.closed), itemStyle: { color: COLOURS.closed } },
    ], false), true);
    const prefs = data.complaints.by_prefecture;
    chart("chart-cpref").setOption(barOption(prefs.map((p) => p.name), [
      { name: labels.received, type: "bar", data: prefs.map((p) => p.received), itemStyle: { color: COLOURS.received } },
      { name: labels.closed, type: "bar", data: prefs.map((p) => p.closed), itemStyle: { color: COLOURS.closed } },
    ], false), true);
  }

  function drawBurnup() {
    const points = data.burnup;
    chart("chart-burnup").setOption({
      animation: false,
      tooltip: { ...TOOLTIP, trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", boundaryGap: false, data: points.map((p) => p.date.slice(0, 7)) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.total, type: "line", data: points.map((p) => p.total), symbolSize: 5, lineStyle: { width: 2 }, itemStyle: { color: COLOURS.total } },
        { name: labels.completed, type: "line", data: points.map((p) => p.completed), symbolSize: 5, areaStyle: { opacity: 0.25 }, itemStyle: { color: COLOURS.closed } },
      ],
    }, true);
  }

  function drawMap() {
    const c = chart("chart-map");
    if (!c || !mapReady) {
      return;
    }
    const regions = data.map.regions;
    const byName = {};
    regions.forEach((r) => { byName[r.name] = r; });
    const values = regions.map((r) => r[metric]);
    const max = Math.max(1, ...values);
    const areas = regions.filter((r) => !r.point);
    const points = regions.filter((r) => r.point);
    const label = (name) => {
      const r = byName[name];
      return r ? r.short_name + "\n" + r[metric] : name;
    };
    c.setOption({
      animation: false,
      tooltip: {
        ...TOOLTIP,
        trigger: "item",
        formatter: (p) => {
          const r = byName[p.name];
          if (!r) {
            return p.name;
          }
          return [
            r.name,
            labels.problems + " " + r.total + " · " + labels.open + " " + r.open,
            labels.red + " " + r.red + " · " + labels.yellow + " " + r.yellow + " · " + labels.blue + " " + r.blue,
            r.url ? labels.click_to_open : labels.not_clickable,
          ].join("\n");
        },
      },
      visualMap: {
        type: "continuous",
        min: 0,
        max: max,
        seriesIndex: [0, 1],
        calculable: false,
        text: [String(max), "0"],
        left: 8,
        bottom: 8,
        itemHeight: 90,
        inRange: { color: RAMPS[metric] },
      },
      geo: {
        map: "guizhou",
        roam: false,
        selectedMode: false,
        layoutCenter: ["50%", "50%"],
        layoutSize: "96%",
        label: { show: true, fontSize: 11, ...HALO, formatter: (p) => label(p.name) },
        itemStyle: { borderColor: "#ffffff", borderWidth: 1.2, areaColor: "#eceef1" },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#1d5fbf" } },
      },
      series: [
        {
          name: metric === "open" ? labels.open_problems : labels.warnings,
          type: "map",
          geoIndex: 0,
          data: areas.map((r) => ({ name: r.name, value: r[metric] })),
        },
        {
          name: metric === "open" ? labels.open_problems : labels.warnings,
          type: "scatter",
          coordinateSystem: "geo",
          symbol: "circle",
          symbolSize: 20,
          itemStyle: { borderColor: "#ffffff", borderWidth: 2.5, shadowBlur: 4, shadowColor: "rgba(0,0,0,.45)" },
          // Below right of the point: 贵阳市's and 安顺市's labels sit just north and west of it.
          label: { show: true, position: "bottom", fontSize: 11, ...HALO, formatter: (p) => label(p.name) },
          labelLayout: { dx: 22, dy: 6 },
          labelLine: { show: true, lineStyle: { color: "#1f2329" } },
          data: points.map((r) => ({ name: r.name, value: [r.point[0], r.point[1], r[metric]] })),
        },
      ],
    }, true);
    root.dataset.mapDrawn = "1";
  }

  function onMapClick(params) {
    const r = data.map.regions.find((x) => x.name === params.name);
    if (r && r.url) {
      window.location.assign(r.url);
    }
  }

  function drawAll() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    drawStatus();
    drawCategories();
    drawComplaints();
    drawBurnup();
    drawMap();
  }

  function loadMap() {
    const box = document.getElementById("chart-map");
    if (!box || typeof window.echarts === "undefined") {
      return;
    }
    fetch(root.dataset.map, { credentials: "same-origin" })
      .then((r) => {
        if (!r.ok) {
          throw new Error(String(r.status));
        }
        return r.json();
      })
      .then((geo) => {
        window.echarts.registerMap("guizhou", geo);
        mapReady = true;
        drawMap();
        chart("chart-map").on("click", onMapClick);
      })
      .catch(() => {
        box.hidden = true;
        const note = document.createElement("p");
        note.className = "field-error";
        note.textContent = labels.map_missing;
        box.after(note);
      });
  }

  // --- date, slider, inspection -------------------------------------------------------------

  function controls() {
    return {
      form: document.getElementById("dash-controls"),
      date: document.getElementById("id_as_of"),
      inspection: document.getElementById("id_inspection"),
      slider: document.getElementById("dash-month"),
      label: document.getElementById("dash-month-label"),
      status: document.getElementById("dash-status"),
    };
  }

  // The slider stop showing a date: the first month end on or after it.
  function stopFor(day) {
    const i = data.timeline.findIndex((x) => x >= day);
    return i === -1 ? data.timeline.length - 1 : i;
  }

  function syncSlider() {
    const c = controls();
    c.slider.max = String(data.timeline.length - 1);
    c.slider.value = String(stopFor(data.as_of));
    c.label.textContent = data.as_of.slice(0, 7);
    c.slider.setAttribute("aria-valuetext", data.as_of);
  }

  function refetch(asOf, inspection) {
    const c = controls();
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    const params = new URLSearchParams();
    params.set("as_of", asOf);
    if (inspection) {
      params.set("inspection", inspection);
    }
    c.status.textContent = labels.loading;
    root.setAttribute("aria-busy", "true");
    fetch(root.dataset.api + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending.signal,
    })
      .then((r) => {
        if (!r.ok) {
          throw new Error(String(r.status));
        }
        return r.json();
      })
      .then((fresh) => {
        data = fresh;
        // The address keeps the view, so it can be shared or reloaded.
        window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
        renderFigures();
        renderTables();
        drawAll();
        syncSlider();
        c.date.value = data.as_of;
        c.status.textContent = "";
        root.removeAttribute("aria-busy");
        root.dataset.version = String(Number(root.dataset.version || "0") + 1);
      })
      .catch((err) => {
        if (err.name === "AbortError") {
          return;
        }
        c.status.textContent = labels.failed;
        root.removeAttribute("aria-busy");
      });
  }

  function wire() {
    const c = controls();
    if (!c.form || !c.slider) {
      return;
    }
    c.slider.closest("label").hidden = false;
    c.label.hidden = false;
    syncSlider();
    c.slider.addEventListener("input", () => {
      const day = data.timeline[Number(c.slider.value)];
      c.label.textContent = day.slice(0, 7);
      c.slider.setAttribute("aria-valuetext", day);
      c.date.value = day;
      window.clearTimeout(timer);
      timer = window.setTimeout(() => refetch(day, c.inspection.value), 250);
    });
    c.date.addEventListener("change", () => {
      if (c.date.value && c.date.checkValidity()) {
        window.clearTimeout(timer);
        refetch(c.date.value, c.inspection.value);
      }
    });
    c.inspection.addEventListener("change", () => {
      window.clearTimeout(timer);
      refetch(c.date.value || data.as_of, c.inspection.value);
    });
    c.form.addEventListener("submit", (event) => {
      event.preventDefault();
      refetch(c.date.value || data.as_of, c.inspection.value);
    });
    document.getElementById("map-metric").addEventListener("change", (event) => {
      if (event.target.name === "metric") {
        metric = event.target.value;
        drawMap();
      }
    });
    window.addEventListener("resize", () => Object.values(charts).forEach((x) => x.resize()));
  }

  document.addEventListener("DOMContentLoaded", () => {
    root = document.getElementById("dashboard");
    if (!root) {
      return;
    }
    data = JSON.parse(document.getElementById("dashboard-data").textContent);
    labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
    wire();
    drawAll();
    loadMap();
  });
})();
