/* handoff form script: inline validation, tracking fields, fetch submit.
   Plain JS, no framework. Without it every form still posts natively
   (except to backends that accept only JSON, which the page says). */
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
    var v = el.validity;
    if (el.hasAttribute("data-npi") && el.value && !npiOk(el.value)) return "This is not a valid NPI: check the 10 digits.";
    if (v.valueMissing) return el.type === "radio" ? "Please choose one." : el.type === "checkbox" ? "Please tick this box to continue." : "Please fill this in.";
    if (v.typeMismatch) return el.type === "email" ? "Please enter an email address like name@practice.org." : "Please check this value.";
    if (v.patternMismatch) return el.hasAttribute("data-npi") ? "An NPI has 10 digits." : "Please check the format.";
    if (v.tooLong) return "Please shorten this to " + el.maxLength + " characters.";
    return el.validationMessage || "";
  }

  function show(form, el, text) {
    var id = (el.type === "radio" ? el.closest("fieldset").id : el.id) + "-error";
    var box = document.getElementById(id);
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
    var targets = el.type === "radio" ? form.querySelectorAll('[name="' + el.name + '"]') : [el];
    targets.forEach(function (t) {
      if (text) { t.setAttribute("aria-invalid", "true"); t.setAttribute("aria-errormessage", id); }
      else { t.removeAttribute("aria-invalid"); t.removeAttribute("aria-errormessage"); }
    });
  }

  function validate(form) {
    var first = null, seen = {};
    form.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
      if (!el.name || el.closest(".hp") || (el.type === "radio" && seen[el.name])) return;
      seen[el.name] = true;
      var text = message(el);
      show(form, el, text);
      if (text && !first) first = el;
    });
    if (first) first.focus();
    return !first;
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
    form.addEventListener("change", function (e) { if (e.target.getAttribute("aria-invalid")) show(form, e.target, message(e.target)); });
    form.addEventListener("submit", function (e) {
      track(form);
      if (!validate(form)) { e.preventDefault(); if (status) status.textContent = "Please correct the highlighted fields."; return; }
      if (form.getAttribute("data-transport") !== "fetch") return;
      e.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      if (status) status.textContent = "Sending…";
      fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(payload(form)),
        credentials: "omit",
        referrerPolicy: "no-referrer"
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        location.assign(form.getAttribute("data-thanks"));
      }).catch(function () {
        if (button) button.disabled = false;
        if (status) status.textContent = "We could not send this form. Please try again, or call us: the number is on this page.";
      });
    });
  });
})();
