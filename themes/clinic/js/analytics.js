/* handoff analytics: loads the analytics provider's script (after the visitor's yes when the
   site asks for consent) and sends the actions that matter as the provider's custom events.
   Loaded only on pages base.html gives it to: never beside a form unless the site says so.
   An event's properties are the page's kind, service and reason slugs, the urgency chosen and
   the campaign (utm_*): never a form value, a name or anything typed.
   Markup contract: the script tag's data-* (base.html), [data-event] on actions (a tel: link
   counts as a call without one), section.consent with button[data-consent=yes|no],
   form.intake-form (forms.js dispatches "sent" on it once the backend said yes). */
(function () {
  var me = document.currentScript, d = me.dataset, KEY = "handoff-analytics", w = window;
  var base = { page_kind: d.kind };
  if (d.service) base.service = d.service;
  if (d.reason) base.reason = d.reason;
  var q = new URLSearchParams(location.search);
  ["utm_source", "utm_medium", "utm_campaign"].forEach(function (k) {
    if (q.get(k)) base[k] = q.get(k).slice(0, 100);
  });
  var loaded = null;

  // The provider's documented snippet, written without inline script (the CSP allows none).
  function load() {
    var s = document.createElement("script"), p = d.provider;
    s.async = true;
    s.src = d.src;
    if (p === "plausible") {
      // https://plausible.io/docs/custom-props/for-custom-events: calls before the script loads are queued.
      s.setAttribute("data-domain", d.id);
      w.plausible = w.plausible || function () { (w.plausible.q = w.plausible.q || []).push(arguments); };
    } else if (p === "umami") {
      // https://umami.is/docs/tracker-configuration
      s.setAttribute("data-website-id", d.id);
    } else if (p === "matomo") {
      // https://developer.matomo.org/guides/tracking-javascript-guide
      w._paq = w._paq || [];
      w._paq.push(["setTrackerUrl", d.collect], ["setSiteId", d.id], ["trackPageView"]);
    } else if (p === "ga4") {
      // https://developers.google.com/analytics/devguides/collection/gtagjs (gtag pushes `arguments`)
      w.dataLayer = w.dataLayer || [];
      w.gtag = function () { w.dataLayer.push(arguments); };
      w.gtag("js", new Date());
      w.gtag("config", d.id);
    }
    loaded = new Promise(function (done) { s.onload = done; });
    document.head.appendChild(s);
  }

  // One custom event, in the provider's own API.
  function send(name, extra) {
    if (!loaded) return;
    var props = Object.assign({}, base, extra), p = d.provider;
    if (p === "plausible") w.plausible(name, { props: props });
    else if (p === "matomo") w._paq.push(["trackEvent", "handoff", name, new URLSearchParams(props).toString()]);
    else if (p === "ga4") w.gtag("event", name, props);
    else if (p === "umami") loaded.then(function () { if (w.umami) w.umami.track(name, props); });
    else document.dispatchEvent(new CustomEvent("handoff:analytics", { detail: { name: name, props: props } }));
  }

  // What a form says about itself: its kind, the urgency and service chosen (slugs, never typed).
  function about(form) {
    var u = form.querySelector('[name="urgency"]:checked'), sel = form.querySelector('select[name="service"]'), o = { form: form.getAttribute("data-form") };
    if (u) o.urgency = u.value;
    if (sel && sel.value && !base.service) o.service = sel.value;
    return o;
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest('[data-event], a[href^="tel:"]');
    if (el) send(el.getAttribute("data-event") || "call");
  });
  var started = [];
  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form.intake-form");
    if (form && started.indexOf(form) < 0) { started.push(form); send("form_started", about(form)); }
  });
  document.querySelectorAll("form.intake-form").forEach(function (f) {
    f.addEventListener("sent", function () { send("form_sent", about(f)); });
  });

  var box = document.querySelector("section.consent");
  if (!("consent" in d)) { load(); return; }
  var said = null;
  try { said = localStorage.getItem(KEY); } catch (e) { /* storage off: ask on every page */ }
  if (said === "yes") { load(); return; }
  if (said === "no" || !box) return;
  box.hidden = false;
  box.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-consent]");
    if (!b) return;
    var yes = b.getAttribute("data-consent") === "yes";
    try { localStorage.setItem(KEY, yes ? "yes" : "no"); } catch (e) { /* remembered for this page only */ }
    box.hidden = true;
    if (yes) load();
  });
})();
