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
  function swapStyles() {
    fetch(location.href, { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel="stylesheet"]');
      document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link, i) {
        if (fresh[i]) link.href = fresh[i].getAttribute("href");
      });
    });
  }
  var events = new EventSource("/_handoff/events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("css", swapStyles);
  events.addEventListener("failed", function (e) { overlay(e.data); });
  events.addEventListener("fixed", function () {
    if (box) { box.remove(); box = null; }
    location.reload();
  });
})();
