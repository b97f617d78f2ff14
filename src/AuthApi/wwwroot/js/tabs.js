// Accessible tabs: click or arrow keys switch panels; the URL hash (#security) opens a tab directly.
(function () {
  "use strict";
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  if (tabs.length === 0) return;

  function select(tab, focus) {
    for (const t of tabs) {
      const selected = t === tab;
      t.setAttribute("aria-selected", String(selected));
      t.tabIndex = selected ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
    history.replaceState(null, "", "#" + tab.id.replace(/^tab-/, ""));
  }

  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(tab);
      if (e.key === "ArrowRight") select(tabs[(i + 1) % tabs.length], true);
      else if (e.key === "ArrowLeft") select(tabs[(i - 1 + tabs.length) % tabs.length], true);
      else return;
      e.preventDefault();
    });
  }
  const fromHash = document.getElementById("tab-" + location.hash.slice(1));
  if (fromHash && tabs.includes(fromHash)) select(fromHash, false);
  // A link to a tab on this page (#leaderboards from "Join a training run") opens it and takes the focus there.
  window.addEventListener("hashchange", () => {
    const tab = document.getElementById("tab-" + location.hash.slice(1));
    if (tab && tabs.includes(tab)) select(tab, true);
  });
})();
