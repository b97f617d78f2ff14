// "Join this run" buttons (elements with data-join, optionally data-org and data-model): shown only when this server
// knows the moderator console's address, and lead there through /join/{org}/{model}.
window.JoinLinks = (function () {
  "use strict";
  const config = fetch("/join/config", { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));

  /** Shows link a (an <a>) as the way to join org/model, or to the console's home without them. */
  function show(a, org, model) {
    config.then((c) => {
      if (!c.moderator_ui_url) return;
      a.href = org && model ? "/join/" + encodeURIComponent(org) + "/" + encodeURIComponent(model) : c.moderator_ui_url + "/";
      a.hidden = false;
    });
  }
  return { show: show };
})();
