/* handoff forms: inline validation, tracking fields, delivery to the backend (fetch, or
   a native post of a CRM's own fields). Plain JS; forms that can post natively do so
   without it. Markup contract: templates/partials/form.html. */
(function () {

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
    if (npi && el.value && !npiOk(el.value)) return "Please check the NPI's 10 digits.";
    if (v.valueMissing) return t === "checkbox" ? "Please tick this box." : t === "radio" || el.tagName === "SELECT" ? "Please choose one." : "Please fill this in.";
    if (v.badInput) return "Please enter a full date."; // only date inputs here
    if (v.typeMismatch) return t === "email" ? "Please enter an email address." : "Please check this value.";
    if (v.patternMismatch) return npi ? "An NPI has 10 digits." : t === "tel" ? "Please enter a phone number." : "Please check the format.";
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
    if (first) {
      var more = first.closest("details");
      if (more) more.open = true;
      first.focus();
    }
    return count;
  }

  // A choice's label, or the text typed: what a digest line shows.
  function shown(form, name, value) {
    var el = form.querySelector('select[name="' + name + '"], :is([type=radio],[data-many])[name="' + name + '"][value="' + CSS.escape(value) + '"]');
    return !el ? value : (el.tagName === "SELECT" ? el.selectedOptions[0].text : el.parentNode.textContent).trim();
  }

  // "Dr. Ana Ruiz, MD" → first "Ana", last "Ruiz"; sure only for two plain words.
  function split(full) {
    var s = full.trim().replace(/\s+/g, " "), t = s.replace(/^(dr|mr|mrs|ms|mx|prof)\.?\s+/i, "").replace(/,.*$/, "").trim(), w = t.split(" ");
    return { first: w.slice(0, -1).join(" "), last: w[w.length - 1] || s, sure: w.length === 2 && t === s };
  }

  // What the backend receives, as [name, value] pairs: a CRM's plan (data-delivery)
  // keeps its own properties, splits the contact's name and puts the rest in one digest.
  function fields(form, plan) {
    var out = [], lines = [], hp = false;
    new FormData(form).forEach(function (v, k) {
      v = String(v);
      if (!plan) { out.push([k, v]); return; }
      if (k === plan.honeypot) { hp = hp || v !== ""; return; }
      if (plan.split && k === plan.split[0]) {
        var n = split(v);
        out.push([plan.split[1], n.first], [plan.split[2], n.last]);
        if (!n.sure && v) lines.push("Name: " + v.trim());
        return;
      }
      // A CRM may refuse an empty property (an email); an empty value says nothing.
      var line = plan.lines.find(function (l) { return l[0] === k; });
      if (v && !line) out.push([k, v]);
      else if (v) lines.push(line[1] + ": " + (line[2] || shown(form, k, v)));
    });
    if (plan) out.push([plan.digest, lines.join("\n")]);
    return hp ? null : out;
  }

  function body(form, pairs, plan) {
    if (form.dataset.backend === "hubspot") {
      var b = {
        fields: pairs.map(function (p) { return { name: p[0], value: p[1] }; }),
        context: { pageUri: location.origin + location.pathname, pageName: document.title }
      };
      if (plan.consent && form.querySelector('[name="' + plan.consent[0] + '"]:checked')) // its value went to the digest
        b.legalConsentOptions = { consent: { consentToProcess: true, text: plan.consent[1] } };
      return b;
    }
    var o = {};
    pairs.forEach(function (p) {
      if (form.querySelector('[data-many][name="' + p[0] + '"]')) (o[p[0]] = o[p[0]] || []).push(p[1]);
      else o[p[0]] = p[1];
    });
    return o;
  }

  // Formspree's subject: "Referral: Breast Oncology (priority)"; never the patient.
  function subject(form) {
    var el = form.querySelector("[data-subject]"), sel = form.querySelector('select[name="service"]'), u = form.querySelector('[name="urgency"]:checked');
    if (!el) return;
    var v = sel && sel.value && sel.value !== "not_sure" ? el.getAttribute("data-subject") + ": " + shown(form, "service", sel.value) : el.defaultValue;
    el.value = v + (u ? " (" + u.value + ")" : "");
  }

  // A native POST of exactly these pairs (Salesforce's Web-to-Lead takes no fetch).
  function post(form, pairs) {
    var f = document.createElement("form");
    f.method = "post"; f.action = form.action; f.hidden = true;
    // Hidden, not text: a text input drops the digest's line breaks.
    pairs.forEach(function (p) { var i = f.appendChild(document.createElement("input")); i.type = "hidden"; i.name = p[0]; i.value = p[1]; });
    document.body.appendChild(f).submit();
  }

  document.querySelectorAll("form.intake-form").forEach(function (form) {
    form.noValidate = true;
    var status = form.querySelector(".form-status"), failed = form.querySelector(".form-failed"), button = form.querySelector("button"); // minified HTML drops type=submit
    var plan = JSON.parse(form.dataset.delivery || "null");
    if (button) button.disabled = false;
    function say(text) { if (status) status.textContent = text; }
    form.addEventListener("change", function (e) { if (e.target.getAttribute("aria-invalid")) show(form, e.target, message(e.target)); });
    form.addEventListener("submit", function (e) {
      track(form);
      subject(form);
      if (failed) failed.hidden = true;
      var bad = validate(form);
      if (bad) { e.preventDefault(); say(bad === 1 ? "One field needs your attention." : bad + " fields need your attention."); return; }
      say("");
      var fetching = form.dataset.transport === "fetch";
      if (!fetching && !plan) return;
      e.preventDefault();
      var pairs = fields(form, plan);
      // A bot filled the honeypot: show it the thanks page, send nothing.
      if (!pairs) { location.assign(form.dataset.thanks); return; }
      if (!fetching) { post(form, pairs); return; }
      if (button) button.disabled = true;
      say("Sending…");
      fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body(form, pairs, plan)),
        credentials: "omit",
        referrerPolicy: "no-referrer"
      }).then(function (r) {
        // Sent: analytics.js counts it (an event, never the values), then the thanks page.
        if (r.ok) return form.dispatchEvent(new Event("sent")), location.assign(form.dataset.thanks);
        // The backend's error codes for whoever debugs the form; never the values sent.
        return r.json().catch(function () { return {}; }).then(function (j) {
          console.error("Refused, HTTP " + r.status + ": " + (j.errors || []).map(function (x) { return x.errorType; }).join(", "));
          throw r.status;
        });
      }).catch(function () {
        if (button) button.disabled = false;
        say("");
        if (failed) failed.hidden = false;
      });
    });
  });
})();
