// The leaderboard page: /leaderboard/{org}/{model}?window=all|7d|24h. Reads the public JSON API of this server only.
// The window lives in the address, so links share it and the back button returns to the previous one.
(function () {
  "use strict";
  const parts = location.pathname.split("/").filter(Boolean); // ["leaderboard", org, model]
  const org = decodeURIComponent(parts[1] || ""), model = decodeURIComponent(parts[2] || "");
  const api = "/api/v1/experiments/" + encodeURIComponent(org) + "/" + encodeURIComponent(model);
  const pageSize = 100;
  const windows = { all: "all time", "7d": "the last 7 days", "24h": "the last 24 hours" };
  const state = { window: "all", page: 1, total: 0 };
  const body = document.querySelector("#ranking tbody");
  const status = document.getElementById("board-status");
  const notes = { clipped: "clipped", rolled_back: "rolled back", banned: "banned", unattributed: "unknown owner" };
  document.getElementById("board-title").textContent = org + "/" + model;
  document.title = org + "/" + model + " — leaderboard";
  window.JoinLinks.show(document.getElementById("join-link"), org, model);

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then((r) =>
      r.ok ? r.json() : r.json().then((p) => Promise.reject(new Error(p.detail || "HTTP " + r.status)), () => Promise.reject(new Error("HTTP " + r.status))));
  }
  function cell(tr, text, cls) {
    const td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = text;
    tr.append(td);
    return td;
  }
  function utc(iso) {
    return new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function row(e) {
    const tr = document.createElement("tr");
    if (e.rank === null) tr.className = "unranked";
    cell(tr, e.rank === null ? "–" : String(e.rank));
    const who = cell(tr, "");
    if (e.avatar_url) {
      const img = document.createElement("img");
      img.src = e.avatar_url;
      img.alt = "";
      img.className = "avatar";
      who.append(img);
    }
    const name = document.createElement(e.username ? "button" : "span");
    name.textContent = e.username || e.peer_key_fingerprint.slice(0, 12) + "…";
    if (e.username) {
      name.type = "button";
      name.className = "linkish";
      name.setAttribute("aria-expanded", "false");
      name.title = "Show " + e.username + "'s history";
      name.addEventListener("click", () => toggleHistory(tr, name, e.username));
    } else {
      name.title = e.peer_key_fingerprint;
    }
    who.append(name);
    // Right after the name, so what explains a "–" rank or a 0 is on screen on a phone too.
    const flags = cell(tr, "");
    for (const f of e.flags) {
      const badge = document.createElement("span");
      badge.className = "badge badge-" + f;
      badge.textContent = notes[f] || f;
      if (f === "rolled_back") badge.title = e.rolled_back_samples.toLocaleString("en-US") + " samples undone by a rollback (not counted, not a penalty)";
      flags.append(badge);
    }
    cell(tr, e.credited_samples.toLocaleString("en-US"), "num");
    cell(tr, String(e.active_hours), "num");
    cell(tr, String(e.steps), "num");
    cell(tr, utc(e.last_seen));
    return tr;
  }

  function closeHistory(restoreFocus) {
    const open = body.querySelector("tr.history-row");
    if (!open) return;
    const opener = open.previousElementSibling && open.previousElementSibling.querySelector("button.linkish");
    open.remove();
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (restoreFocus) opener.focus();
    }
  }

  function toggleHistory(tr, button, username) {
    const wasOpen = tr.nextElementSibling && tr.nextElementSibling.classList.contains("history-row");
    closeHistory(false);
    if (wasOpen) return;
    const hr = document.createElement("tr");
    hr.className = "history-row";
    const td = document.createElement("td");
    td.colSpan = 7;
    const panel = document.createElement("section");
    panel.className = "history-panel";
    panel.setAttribute("aria-labelledby", "history-title");
    const head = document.createElement("div");
    head.className = "history-head";
    const title = document.createElement("h2");
    title.id = "history-title";
    title.tabIndex = -1;
    title.textContent = username + ": credited samples, " + windows[state.window];
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.textContent = "Close";
    close.setAttribute("aria-label", "Close " + username + "'s history");
    close.addEventListener("click", () => closeHistory(true));
    head.append(title, close);
    const chart = document.createElement("div");
    chart.className = "chart user-history";
    const readout = document.createElement("p");
    readout.className = "chart-readout muted";
    panel.append(head, chart, readout);
    td.append(panel);
    hr.append(td);
    tr.after(hr);
    button.setAttribute("aria-expanded", "true");
    title.focus();
    getJson(api + "/leaderboard/history?window=" + state.window + "&username=" + encodeURIComponent(username))
      .then((h) => window.HistoryChart.draw(chart, h.points, h.bucket, state.window, username + "'s credited samples", readout, 160))
      .catch((err) => { chart.textContent = "History unavailable: " + err.message; });
  }

  function load() {
    status.textContent = "Loading…";
    document.getElementById("csv-link").href = api + "/leaderboard.csv?window=" + state.window;
    for (const b of document.querySelectorAll("[data-window]")) b.setAttribute("aria-pressed", String(b.dataset.window === state.window));
    document.getElementById("chart-caption").textContent = "Credited samples, " + windows[state.window] + " (UTC)";
    getJson(api + "/leaderboard?window=" + state.window + "&page=" + state.page + "&page_size=" + pageSize)
      .then((board) => {
        state.total = board.total;
        body.replaceChildren(...board.entries.map(row));
        const built = board.built_at ? " Updated " + utc(board.built_at) + "." : "";
        status.textContent = board.total === 0 ? "No contributions in this window yet." + built : board.total + " contributors." + built;
        const pages = Math.max(1, Math.ceil(board.total / pageSize));
        document.getElementById("page-label").textContent = "Page " + state.page + " of " + pages;
        document.getElementById("prev-page").disabled = state.page <= 1;
        document.getElementById("next-page").disabled = state.page >= pages;
      })
      .catch((err) => { status.textContent = "The leaderboard could not be loaded: " + err.message; body.replaceChildren(); });
    const chart = document.getElementById("history-chart");
    getJson(api + "/leaderboard/history?window=" + state.window)
      .then((h) => window.HistoryChart.draw(chart, h.points, h.bucket, state.window, "Credited samples", document.getElementById("chart-readout")))
      .catch((err) => { chart.textContent = "The chart could not be loaded: " + err.message; });
  }

  function fromAddress() {
    const w = new URLSearchParams(location.search).get("window");
    state.window = Object.prototype.hasOwnProperty.call(windows, w) ? w : "all";
    state.page = 1;
  }

  for (const b of document.querySelectorAll("[data-window]")) {
    b.addEventListener("click", () => {
      if (b.dataset.window === state.window) return;
      const url = new URL(location.href);
      url.searchParams.set("window", b.dataset.window);
      history.pushState({ window: b.dataset.window }, "", url);
      fromAddress();
      load();
    });
  }
  window.addEventListener("popstate", () => { fromAddress(); load(); });
  document.getElementById("prev-page").addEventListener("click", () => { state.page--; load(); });
  document.getElementById("next-page").addEventListener("click", () => { state.page++; load(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeHistory(true); });
  fromAddress();
  load();
})();
