// The leaderboard page: /leaderboard/{org}/{model}. Reads the public JSON API of this server only.
(function () {
  "use strict";
  const parts = location.pathname.split("/").filter(Boolean); // ["leaderboard", org, model]
  const org = decodeURIComponent(parts[1] || ""), model = decodeURIComponent(parts[2] || "");
  const api = "/api/v1/experiments/" + encodeURIComponent(org) + "/" + encodeURIComponent(model);
  const pageSize = 100;
  const state = { window: "all", page: 1, total: 0 };
  const body = document.querySelector("#ranking tbody");
  const status = document.getElementById("board-status");
  const notes = { clipped: "clipped", rolled_back: "rolled back", banned: "banned", unattributed: "unattributed key" };
  document.getElementById("board-title").textContent = org + "/" + model;
  document.title = org + "/" + model + " — leaderboard";

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
      name.title = "Show " + e.username + "'s history";
      name.addEventListener("click", () => toggleHistory(tr, e.username));
    } else {
      name.title = e.peer_key_fingerprint;
    }
    who.append(name);
    cell(tr, e.credited_samples.toLocaleString(), "num");
    cell(tr, String(e.active_hours), "num");
    cell(tr, String(e.steps), "num");
    cell(tr, new Date(e.last_seen).toISOString().slice(0, 16).replace("T", " ") + " UTC");
    const flags = cell(tr, "");
    for (const f of e.flags) {
      const badge = document.createElement("span");
      badge.className = "badge badge-" + f;
      badge.textContent = notes[f] || f;
      flags.append(badge);
    }
    if (e.rolled_back_samples > 0) flags.title = e.rolled_back_samples.toLocaleString() + " samples rolled back";
    return tr;
  }

  function toggleHistory(tr, username) {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains("history-row")) {
      next.remove();
      return;
    }
    const hr = document.createElement("tr");
    hr.className = "history-row";
    const td = document.createElement("td");
    td.colSpan = 7;
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 600 120");
    svg.setAttribute("class", "user-history");
    svg.setAttribute("aria-label", username + "'s credited samples over time");
    td.append(svg);
    hr.append(td);
    tr.after(hr);
    getJson(api + "/leaderboard/history?window=" + state.window + "&username=" + encodeURIComponent(username))
      .then((h) => window.ContributionChart.draw(svg, h.points, 600, 120, h.bucket))
      .catch((err) => { td.textContent = "History unavailable: " + err.message; });
  }

  function load() {
    status.textContent = "Loading…";
    document.getElementById("csv-link").href = api + "/leaderboard.csv?window=" + state.window;
    for (const b of document.querySelectorAll("[data-window]")) b.setAttribute("aria-pressed", String(b.dataset.window === state.window));
    getJson(api + "/leaderboard?window=" + state.window + "&page=" + state.page + "&page_size=" + pageSize)
      .then((board) => {
        state.total = board.total;
        body.replaceChildren(...board.entries.map(row));
        const built = board.built_at ? " Updated " + new Date(board.built_at).toISOString().slice(0, 16).replace("T", " ") + " UTC." : "";
        status.textContent = board.total === 0 ? "No contributions in this window yet." + built : board.total + " contributors." + built;
        const pages = Math.max(1, Math.ceil(board.total / pageSize));
        document.getElementById("page-label").textContent = "Page " + state.page + " of " + pages;
        document.getElementById("prev-page").disabled = state.page <= 1;
        document.getElementById("next-page").disabled = state.page >= pages;
      })
      .catch((err) => { status.textContent = "The leaderboard could not be loaded: " + err.message; body.replaceChildren(); });
    getJson(api + "/leaderboard/history?window=" + state.window)
      .then((h) => window.ContributionChart.draw(document.getElementById("history-chart"), h.points, 600, 200, h.bucket))
      .catch(() => document.getElementById("history-chart").replaceChildren());
  }

  for (const b of document.querySelectorAll("[data-window]")) {
    b.addEventListener("click", () => { state.window = b.dataset.window; state.page = 1; load(); });
  }
  document.getElementById("prev-page").addEventListener("click", () => { state.page--; load(); });
  document.getElementById("next-page").addEventListener("click", () => { state.page++; load(); });
  load();
})();
