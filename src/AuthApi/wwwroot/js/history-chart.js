// Credited samples over time, drawn with uPlot (lib/uplot, served from this server). The x axis always spans the whole
// window in UTC (the last 24 hours, the last 7 days, or every day since the first contribution and at least two weeks),
// with one bar per hour or day, so a single day of data is one bar, not a filled chart. Work a rollback undid is drawn
// too (grey, on top of the credited work: shown, not counted). Dates are ISO (as in the table), whatever the browser's
// language, and the count axis has whole numbers only.
window.HistoryChart = (function () {
  "use strict";
  const HOUR = 3600, DAY = 86400;
  const font = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
  const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");

  function compact(n) {
    if (n >= 1e9) return (n / 1e9).toFixed(1).replace(/\.0$/, "") + "G";
    if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1).replace(/\.0$/, "") + "k";
    return String(Math.round(n));
  }

  function label(ts, step) {
    const iso = new Date(ts * 1e3).toISOString();
    return step === DAY ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
  }

  /** Tick labels: ISO dates for days; hours as HH:MM, with the date where a day starts. */
  function tick(ts, step) {
    const iso = new Date(ts * 1e3).toISOString();
    if (step === DAY) return iso.slice(0, 10);
    return iso.slice(11, 16) === "00:00" ? iso.slice(5, 10) : iso.slice(11, 16);
  }

  /** Whole-number tick steps for the count axis (no "1, 1, 0" when the largest bar is 1). */
  const wholeSteps = [];
  for (let e = 0; e <= 12; e++) for (const m of [1, 2, 5]) wholeSteps.push(m * Math.pow(10, e));

  /** The tick labels drawn (on the canvas), kept readable on the chart's element for tests and tools. */
  function shown(container, name, labels) {
    container.dataset[name] = labels.join("|");
    return labels;
  }

  /** Every bucket of the window, with zero where nothing was credited (ys) or undone by a rollback (rolled). */
  function buckets(points, bucket, windowName, now) {
    const step = bucket === "day" ? DAY : HOUR;
    const last = Math.floor(now / step) * step;
    const byBucket = new Map();
    const undone = new Map();
    for (const p of points) {
      const t = Math.floor(Date.parse(p.time) / 1e3 / step) * step;
      byBucket.set(t, (byBucket.get(t) || 0) + p.credited_samples);
      undone.set(t, (undone.get(t) || 0) + (p.rolled_back_samples || 0));
    }
    let first;
    if (windowName === "24h") first = last - 23 * HOUR;
    else if (windowName === "7d") first = last - 167 * HOUR;
    else first = Math.min(byBucket.size ? Math.min(...byBucket.keys()) : last, last - 13 * DAY);
    const xs = [], ys = [], rolled = [];
    for (let t = first; t <= last; t += step) {
      xs.push(t);
      ys.push(byBucket.get(t) || 0);
      rolled.push(undone.get(t) || 0);
    }
    return { xs, ys, rolled, step };
  }

  function describe(data, what) {
    const total = data.ys.reduce((a, b) => a + b, 0);
    const undone = data.rolled.reduce((a, b) => a + b, 0);
    const unit = data.step === DAY ? "day" : "hour";
    const rolledBack = undone > 0 ? " " + undone.toLocaleString("en-US") + " more were undone by a rollback (drawn in grey, not counted)." : "";
    if (total === 0) return what + ": nothing credited in this window." + rolledBack;
    const peak = data.ys.indexOf(Math.max(...data.ys));
    return what + " per " + unit + " (UTC), " + label(data.xs[0], data.step) + " to " + label(data.xs[data.xs.length - 1], data.step) +
      ": " + total.toLocaleString("en-US") + " in all, most (" + data.ys[peak].toLocaleString("en-US") + ") at " + label(data.xs[peak], data.step) + "." + rolledBack;
  }

  /**
   * Draws history points [{time, credited_samples}] into container (replacing what was there); readout is an element
   * that shows the bucket under the pointer. Returns the uPlot instance.
   */
  function draw(container, points, bucket, windowName, what, readout, height) {
    container.replaceChildren();
    if (container._plot) container._plot.destroy();
    const data = buckets(points, bucket, windowName, Date.now() / 1e3);
    container.dataset.points = String(data.ys.filter((y) => y > 0).length);
    container.dataset.rolledBack = String(data.rolled.filter((y) => y > 0).length);
    container.dataset.buckets = String(data.xs.length);
    container.dataset.span = String(data.xs[data.xs.length - 1] - data.xs[0] + data.step);
    container.setAttribute("role", "img");
    container.setAttribute("aria-label", describe(data, what));
    const width = Math.max(280, container.clientWidth || 600);
    const axis = { stroke: "#545d68", font: font, grid: { stroke: "#eceff4", width: 1 }, ticks: { stroke: "#d0d7de", width: 1 } };
    // Drawn first and as tall as both together, so the grey shows above the blue: what a rollback undid in that bucket.
    const both = data.ys.map((y, i) => y + data.rolled[i]);
    const plot = new uPlot({
      width: width,
      height: height || 220,
      tzDate: utc,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: true, range: () => [data.xs[0] - data.step / 2, data.xs[data.xs.length - 1] + data.step / 2] },
        y: { range: (u, min, max) => [0, max > 0 ? Math.max(max * 1.1, 2) : 2] },
      },
      axes: [
        Object.assign({}, axis, { space: data.step === DAY ? 90 : 50, values: (u, vals) => shown(container, "xTicks", vals.map((v) => tick(v, data.step))) }),
        Object.assign({}, axis, { size: 52, incrs: wholeSteps, values: (u, vals) => shown(container, "yTicks", vals.map(compact)) }),
      ],
      series: [{}, {
        label: "undone by a rollback", fill: "rgba(140, 149, 159, 0.55)", stroke: "#8c959f", width: 0,
        paths: uPlot.paths.bars({ size: [0.8, 48] }), points: { show: false },
      }, {
        label: what, fill: "rgba(11, 87, 208, 0.85)", stroke: "#0b57d0", width: 0,
        paths: uPlot.paths.bars({ size: [0.8, 48] }), points: { show: false },
      }],
      hooks: {
        setCursor: [(u) => {
          if (!readout) return;
          const i = u.cursor.idx;
          readout.textContent = i == null ? "" : label(data.xs[i], data.step) + " UTC: " + data.ys[i].toLocaleString("en-US") + " samples credited" +
            (data.rolled[i] > 0 ? ", " + data.rolled[i].toLocaleString("en-US") + " undone by a rollback" : "");
        }],
      },
    }, [data.xs, both, data.ys], container);
    container._plot = plot;
    if (window.ResizeObserver && !container._observer) {
      container._observer = new ResizeObserver(() => {
        if (container._plot && container.clientWidth > 0) container._plot.setSize({ width: Math.max(280, container.clientWidth), height: height || 220 });
      });
      container._observer.observe(container);
    }
    return plot;
  }

  return { draw: draw, compact: compact, buckets: buckets };
})();
