/* handoff forms: inline validation, tracking fields, fetch submit. Plain JS; forms
   post natively without it. Markup contract: templates/partials/form.html. */
(function () {
  "use strict";

  // NPI check digit: Luhn over "80840" + the 10 digits.
  function npiOk(v) {
    if (!/^[0-9]{10}$/.test(v)) return false;
    var d = "80840" + v, sum = 0;
    for (var i = d.length - 1, alt = false; i >= 0; i--, alt = !alt) {
      var n = +d[i];
      if (alt) { n *= 2; if (n > 9) n -= 9; }
      sum += n;
    }
    return sum % 10 === 0;
  }

  // utm_* from the address; only the referring site's host, never its full URL.
  function track(form) {
    var q = new URLSearchParams(location.search);
    form.querySelectorAll("[data-track]").forEach(function (el) {
      var k = el.getAttribute("data-track");
      if (k === "referrer_host") {
        try { el.value = document.referrer ? new URL(document.referrer).host : ""; } catch (e) { el.value = ""; }
      } else {
        el.value = (q.get(k) || "").slice(0, 200);
      }
    });
  }

  function message(el) {
    var v = el.validity, t = el.type, npi = el.hasAttribute("data-npi");
    if (npi && el.value && !npiOk(el.value)) return "This is not a valid NPI: please check the 10 digits.";
    if (v.valueMissing) return t === "checkbox" ? "Please tick this box to continue." : t === "radio" || el.tagName === "SELECT" ? "Please choose one." : "Please fill this in.";
    if (v.badInput) return "Please enter a full date."; // only date inputs here
    if (v.typeMismatch) return t === "email" ? "Please enter an email address like name@practice.org." : "Please check this value.";
    if (v.patternMismatch) return npi ? "An NPI has 10 digits." : t === "tel" ? "Please enter a phone number (digits, spaces, + ( ) - .)." : "Please check the format.";
    if (v.tooLong) return "Please shorten this to " + el.maxLength + " characters.";
    return el.validationMessage || "";
  }

  // Shows or clears a field's message and adds it to the field's description.
  function show(form, el, text) {
    var radio = el.type === "radio", id = (radio ? el.closest("fieldset").id : el.id) + "-error", box = document.getElementById(id);
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
    (radio ? form.querySelectorAll('[name="' + el.name + '"]') : [el]).forEach(function (t) {
      var ids = (t.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x != id; });
      if (text) { t.setAttribute("aria-invalid", "true"); ids.push(id); } else t.removeAttribute("aria-invalid");
      if (ids.length) t.setAttribute("aria-describedby", ids.join(" ")); else t.removeAttribute("aria-describedby");
    });
  }

  function validate(form) {
    var first = null, count = 0, seen = {};
    form.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
      if (!el.name || el.closest(".hp") || (el.type === "radio" && seen[el.name])) return;
      seen[el.name] = true;
      var text = message(el);
      show(form, el, text);
      if (text) { count++; if (!first) first = el; }
    });
    if (first) first.focus();
    return count;
  }

  function payload(form) {
    var data = {};
    new FormData(form).forEach(function (v, k) { data[k] = String(v); });
    if (form.getAttribute("data-backend") === "hubspot") {
      return {
        fields: Object.keys(data).map(function (k) { return { name: k, value: data[k] }; }),
        context: { pageUri: location.origin + location.pathname }
      };
    }
    return data;
  }

  document.querySelectorAll("form.intake-form").forEach(function (form) {
    form.noValidate = true;
    var status = form.querySelector(".form-status");
    function say(text) { if (status) status.textContent = text; }
    form.addEventListener("change", function (e) { if (e.target.getAttribute("aria-invalid")) show(form, e.target, message(e.target)); });
    form.addEventListener("submit", function (e) {
      track(form);
      var bad = validate(form);
      if (bad) { e.preventDefault(); say(bad === 1 ? "One field needs your attention." : bad + " fields need your attention."); return; }
      say("");
      if (form.getAttribute("data-transport") !== "fetch") return;
      e.preventDefault();
      var button = form.querySelector("button"); // minified HTML drops type=submit
      if (button) button.disabled = true;
      say("Sending…");
      fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(payload(form)),
        credentials: "omit",
        referrerPolicy: "no-referrer"
      }).then(function (r) {
        if (!r.ok) throw r.status;
        location.assign(form.getAttribute("data-thanks"));
      }).catch(function () {
        if (button) button.disabled = false;
        say("We could not send this form. Please try again, or call us: the number is on this page.");
      });
    });
  });
})();
