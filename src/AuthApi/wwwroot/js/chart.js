// A small dependency-free SVG chart: bars of credited samples per hour or day.
window.ContributionChart = (function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function compact(n) {
    if (n >= 1e9) return (n / 1e9).toFixed(1) + "G";
    if (n >= 1e6) return (n / 1e6).toFixed(1) + "M";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return String(n);
  }
  /** Draws points [{time, credited_samples}] into svg (viewBox width × height). */
  function draw(svg, points, width, height, bucket) {
    svg.replaceChildren();
    const pad = { left: 48, right: 8, top: 10, bottom: 24 };
    const w = width - pad.left - pad.right, h = height - pad.top - pad.bottom;
    if (points.length === 0) {
      svg.append(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "chart-empty" }, "No contributions in this window yet."));
      return;
    }
    const max = Math.max(...points.map((p) => p.credited_samples), 1);
    const barW = Math.max(1, w / points.length - 1);
    svg.append(el("line", { x1: pad.left, y1: pad.top + h, x2: pad.left + w, y2: pad.top + h, class: "axis" }));
    svg.append(el("text", { x: pad.left - 4, y: pad.top + 8, "text-anchor": "end", class: "tick" }, compact(max)));
    svg.append(el("text", { x: pad.left - 4, y: pad.top + h, "text-anchor": "end", class: "tick" }, "0"));
    points.forEach((p, i) => {
      const bh = (p.credited_samples / max) * h;
      const bar = el("rect", { x: pad.left + i * (w / points.length), y: pad.top + h - bh, width: barW, height: bh, class: "bar" });
      bar.append(el("title", {}, new Date(p.time).toISOString().slice(0, bucket === "day" ? 10 : 16).replace("T", " ") + ": " + p.credited_samples.toLocaleString() + " samples"));
      svg.append(bar);
    });
    const first = new Date(points[0].time), last = new Date(points[points.length - 1].time);
    const label = (d) => d.toISOString().slice(bucket === "day" ? 0 : 5, bucket === "day" ? 10 : 16).replace("T", " ");
    svg.append(el("text", { x: pad.left, y: height - 6, class: "tick" }, label(first)));
    svg.append(el("text", { x: pad.left + w, y: height - 6, "text-anchor": "end", class: "tick" }, label(last)));
  }
  return { draw: draw, compact: compact };
})();
