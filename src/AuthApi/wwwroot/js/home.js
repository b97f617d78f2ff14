// Lists the training runs with a public leaderboard on the tabs page: who may join, how many are credited, when someone
// last contributed, the leaderboard and a "Join this run" link (when this server knows the moderator console's address).
(function () {
  "use strict";
  const list = document.getElementById("leaderboard-links");
  const joining = {
    open: "Anyone signed in with Hugging Face may join.",
    org_members: "Members of the organization may join; others ask the moderators.",
    allowlist: "Volunteers ask to join; the moderators approve.",
  };
  fetch("/api/v1/leaderboards", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then((boards) => {
      list.replaceChildren();
      if (boards.length === 0) {
        list.append(note("No training run publishes its leaderboard yet."));
      }
      for (const b of boards) list.append(run(b));
    })
    .catch(() => list.replaceChildren(note("The training runs could not be loaded; try again later.")));

  function run(b) {
    const name = b.organization_name + "/" + b.model_name;
    const li = document.createElement("li");
    li.className = "run";
    const head = document.createElement("div");
    head.className = "run-head";
    const a = document.createElement("a");
    a.href = b.url;
    a.className = "run-name";
    a.textContent = name;
    const join = document.createElement("a");
    join.className = "join";
    join.textContent = "Join this run";
    join.hidden = true;
    join.setAttribute("aria-label", "Join this run: " + name);
    window.JoinLinks.show(join, b.organization_name, b.model_name);
    head.append(a, join);
    const facts = document.createElement("p");
    facts.className = "run-facts";
    const credited = b.contributors === 1 ? "1 volunteer credited" : (b.contributors || 0).toLocaleString("en-US") + " volunteers credited";
    const last = b.last_activity ? "; last contribution " + new Date(b.last_activity).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "; no contribution yet";
    facts.textContent = (joining[b.access_policy] || "") + " " + credited + last + ".";
    li.append(head, facts);
    return li;
  }

  function note(text) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = text;
    return li;
  }
})();
