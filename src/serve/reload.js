// handoff serve: live reload and the error overlay. Injected only by
// `handoff serve`, never into a build.
(function () {
  "use strict";
  var box = null;
  function overlay(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "handoff-overlay";
      box.setAttribute("role", "alert");
      var s = box.style;
      s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
      s.background = "rgba(24,24,27,.94)"; s.color = "#fafafa"; s.padding = "2rem";
      s.font = "14px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace"; s.whiteSpace = "pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "handoff: the last edit does not build. The page shows the last good version.\n\n" + text;
  }
  // Under serve, stylesheets keep their names (no content hash): asking
  // for them again, past the cache, is enough.
  function swapStyles() {
    var stamp = Date.now();
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var href = link.getAttribute("href").split("?")[0];
      link.setAttribute("href", href + "?v=" + stamp);
    });
  }
  // The page is named so that an edit renders it before the others.
  var events = new EventSource("/_handoff/events?page=" + encodeURIComponent(location.pathname));
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("css", swapStyles);
  events.addEventListener("failed", function (e) { overlay(e.data); });
  events.addEventListener("fixed", function () {
    if (box) { box.remove(); box = null; }
    location.reload();
  });
})();
