// Lists the public leaderboards on the tabs page.
(function () {
  "use strict";
  const list = document.getElementById("leaderboard-links");
  fetch("/api/v1/leaderboards", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then((boards) => {
      list.replaceChildren();
      if (boards.length === 0) {
        list.append(item("No public leaderboards yet.", null));
      }
      for (const b of boards) {
        list.append(item(b.organization_name + "/" + b.model_name, b.url));
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
