// Lists the public leaderboards on the tabs page, each with its "Join this run" link.
(function () {
  "use strict";
  window.JoinLinks.show(document.getElementById("join-console"));
  const list = document.getElementById("leaderboard-links");
  fetch("/api/v1/leaderboards", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then((boards) => {
      list.replaceChildren();
      if (boards.length === 0) {
        list.append(item("No public leaderboards yet.", null));
      }
      for (const b of boards) {
        const li = item(b.organization_name + "/" + b.model_name, b.url);
        const join = document.createElement("a");
        join.className = "join";
        join.textContent = "Join this run";
        join.hidden = true;
        join.setAttribute("aria-label", "Join this run: " + b.organization_name + "/" + b.model_name);
        li.append(join);
        window.JoinLinks.show(join, b.organization_name, b.model_name);
        list.append(li);
      }
    })
    .catch(() => list.replaceChildren(item("The leaderboards could not be loaded; try again later.", null)));

  function item(text, href) {
    const li = document.createElement("li");
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      li.append(a);
    } else {
      li.className = "muted";
      li.textContent = text;
    }
    return li;
  }
})();
