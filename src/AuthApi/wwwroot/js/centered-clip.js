// The CenteredClip demo: draggable points in 2-D, their mean, and the CenteredClip estimate for the chosen tau.
// Same iteration as the server's Contributions/CenteredClip.cs, in two dimensions.
(function () {
  "use strict";
  const svg = document.getElementById("clip-demo");
  if (!svg) return;
  const NS = "http://www.w3.org/2000/svg";
  const tauInput = document.getElementById("clip-tau");
  const tauValue = document.getElementById("clip-tau-value");
  const meanOut = document.getElementById("mean-readout");
  const clipOut = document.getElementById("clip-readout");
  const initial = [[150, 140], [170, 155], [160, 170], [185, 135], [140, 160], [175, 175], [155, 125], [195, 160], [340, 50], [360, 270]];
  let points = initial.map((p) => p.slice());
  let dragging = -1;

  function mean(ps) {
    return [ps.reduce((s, p) => s + p[0], 0) / ps.length, ps.reduce((s, p) => s + p[1], 0) / ps.length];
  }
  function median(values) {
    const s = values.slice().sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
  function centeredClip(ps, tau) {
    let v = [median(ps.map((p) => p[0])), median(ps.map((p) => p[1]))];
    for (let i = 0; i < 200; i++) {
      let dx = 0, dy = 0;
      for (const p of ps) {
        const ox = p[0] - v[0], oy = p[1] - v[1];
        const norm = Math.hypot(ox, oy);
        const scale = norm > tau ? tau / norm : 1;
        dx += ox * scale;
        dy += oy * scale;
      }
      dx /= ps.length;
      dy /= ps.length;
      v = [v[0] + dx, v[1] + dy];
      if (Math.hypot(dx, dy) < 1e-6) break;
    }
    return v;
  }

  function el(name, attrs) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  }
  function show(out, p) {
    out.dataset.x = p[0].toFixed(1);
    out.dataset.y = p[1].toFixed(1);
    out.textContent = "(" + p[0].toFixed(0) + ", " + p[1].toFixed(0) + ")";
  }

  function draw() {
    const tau = Number(tauInput.value);
    tauValue.textContent = String(tau);
    const m = mean(points);
    const c = centeredClip(points, tau);
    svg.replaceChildren();
    svg.append(el("rect", { x: 0, y: 0, width: 400, height: 300, class: "demo-bg" }));
    svg.append(el("circle", { cx: c[0], cy: c[1], r: tau, class: "tau-ring" }));
    points.forEach((p, i) => svg.append(el("circle", { cx: p[0], cy: p[1], r: 7, class: "point", "data-index": i })));
    svg.append(el("path", { d: `M${m[0] - 8},${m[1] - 8}L${m[0] + 8},${m[1] + 8}M${m[0] - 8},${m[1] + 8}L${m[0] + 8},${m[1] - 8}`, class: "mean-mark" }));
    svg.append(el("circle", { cx: c[0], cy: c[1], r: 9, class: "clip-mark" }));
    show(meanOut, m);
    show(clipOut, c);
  }

  function toSvg(evt) {
    const pt = svg.createSVGPoint();
    pt.x = evt.clientX;
    pt.y = evt.clientY;
    const p = pt.matrixTransform(svg.getScreenCTM().inverse());
    return [Math.min(400, Math.max(0, p.x)), Math.min(300, Math.max(0, p.y))];
  }

  svg.addEventListener("pointerdown", (evt) => {
    const index = evt.target.dataset ? evt.target.dataset.index : undefined;
    if (index !== undefined) {
      dragging = Number(index);
      svg.setPointerCapture(evt.pointerId);
    } else {
      points.push(toSvg(evt));
      draw();
    }
    evt.preventDefault();
  });
  svg.addEventListener("pointermove", (evt) => {
    if (dragging < 0) return;
    points[dragging] = toSvg(evt);
    draw();
  });
  const stop = () => { dragging = -1; };
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  tauInput.addEventListener("input", draw);
  document.getElementById("clip-reset").addEventListener("click", () => {
    points = initial.map((p) => p.slice());
    draw();
  });
  draw();
})();
