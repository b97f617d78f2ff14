// The top bar's link to the moderator console, shown when this server knows its address.
(function () {
  "use strict";
  const link = document.getElementById("console-link");
  if (link && window.JoinLinks) window.JoinLinks.show(link);
})();
