// Enhances the application form (chalicelib/templates/form.html) when JavaScript runs:
// checks required answers locally, sends JSON with fetch, shows the server's errors in place,
// and goes to the confirmation page on success. Without JavaScript the form is a plain POST.
// Its words come from the form's data-pesan attribute (chalicelib/messages.py, FORM_SCRIPT).
//
// One filled form is one application, whatever the browser does with Back, reload or history.
// The idempotency key lives in this history entry's state (history.replaceState): the browser gives
// it back to the same entry on Back, Forward and reload, and never to a fresh visit of the form.
// A hidden field alone is not enough: when Chromium reloads the page on Back it restores the typed
// fields but not a hidden value set by script, so the script minted a new key and the server took
// the same form as a new application. Once sent, the key is marked sent (sessionStorage), and coming
// back to the entry shows "Permohonan ini sudah terkirim", its reference and link, instead of the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-permohonan]");
  if (!form || !window.fetch || !window.JSON) return;
  var button = form.querySelector("[data-kirim]");
  var status = form.querySelector("[data-status]");
  var summary = form.querySelector("#ringkasan-galat");
  var notice = form.querySelector("[data-pemberitahuan]");
  var key = form.elements.namedItem("idempotency_key");
  var words = JSON.parse(form.getAttribute("data-pesan") || "{}");
  var baseTitle = document.title;
  var STATE = "layananPermohonan";
  var SENT = "layanan.permohonan.terkirim:";

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; plain http outside 127.0.0.1 falls back to this.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- the key of this history entry, and whether it was sent -------------------------------------------------

  function entryKey() {
    var state = history.state;
    return state && typeof state === "object" && typeof state[STATE] === "string" ? state[STATE] : "";
  }

  function keepKey(value) {
    var state = {};
    if (history.state && typeof history.state === "object") {
      Object.keys(history.state).forEach(function (name) { state[name] = history.state[name]; });
    }
    state[STATE] = value;
    try { history.replaceState(state, ""); } catch (ignored) { /* the field still carries the key */ }
    key.value = value;
  }

  function sentRecord(value) {
    try {
      var text = value ? window.sessionStorage.getItem(SENT + value) : null;
      return text ? JSON.parse(text) : null;
    } catch (ignored) {
      return null; // storage off: a resend is still one application (same key), the server says so
    }
  }

  function rememberSent(value, record) {
    try { window.sessionStorage.setItem(SENT + value, JSON.stringify(record)); } catch (ignored) { /* see above */ }
  }

  var panel = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function buildPanel() {
    panel = element("div", "permohonan-terkirim");
    panel.setAttribute("role", "status");
    panel.setAttribute("tabindex", "-1");
    panel.setAttribute("data-terkirim", "");
    panel.appendChild(element("h2", "permohonan-terkirim__judul", words.sent_title));
    panel.appendChild(element("p", "", words.reference_label));
    panel.appendChild(element("p", "permohonan-terkirim__nomor"));
    panel.appendChild(element("p", "", words.sent_text));
    var links = element("p", "permohonan-terkirim__tautan");
    var confirmation = element("a", "", words.open_confirmation);
    confirmation.setAttribute("data-konfirmasi", "");
    links.appendChild(confirmation);
    panel.appendChild(links);
    var again = element("button", "tombol tombol--kedua", words.new_application);
    again.type = "button";
    again.addEventListener("click", function () {
      form.reset();
      clearErrors();
      keepKey(uuid());
      panel.hidden = true;
      form.hidden = false;
      sending(false);
      document.title = baseTitle;
      var first = form.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    });
    panel.appendChild(again);
    form.parentNode.insertBefore(panel, form);
  }

  function showSent(record) {
    if (!panel) buildPanel();
    panel.querySelector(".permohonan-terkirim__nomor").textContent = record.reference;
    panel.querySelector("[data-konfirmasi]").href = record.confirmation_url || record.status_url;
    panel.hidden = false;
    form.hidden = true;
    document.title = words.sent_title + " · " + baseTitle;
    panel.focus();
  }

  // --- the form's values and checks ----------------------------------------------------------------------------

  function groups() { return form.querySelectorAll("[data-isian]"); }
  function controls(box) { return box.querySelectorAll("input, textarea, select"); }

  function value(box) {
    var type = box.getAttribute("data-jenis");
    var inputs = controls(box);
    if (type === "checkbox") return inputs[0].checked ? inputs[0].value : "";
    if (type === "choice" && inputs[0].type === "radio") {
      var chosen = box.querySelector("input:checked");
      return chosen ? chosen.value : "";
    }
    return inputs[0].value;
  }

  function payload() {
    var fields = {};
    var confirmed = [];
    var answers = {};
    var consent = false;
    groups().forEach(function (box) {
      var name = box.getAttribute("data-isian");
      var type = box.getAttribute("data-jenis");
      if (type === "persyaratan") {
        controls(box).forEach(function (input) { confirmed.push(input.checked); });
      } else if (type === "jawaban") {
        // A question of the standard (syarat_x: ya/tidak, pilihan_x: 1, 2, ...), sent apart from the fields.
        var chosen = box.querySelector("input:checked");
        answers[name] = chosen ? chosen.value : "";
      } else if (type === "persetujuan") {
        consent = controls(box)[0].checked;
      } else {
        fields[name] = value(box);
      }
    });
    var body = {
      service: form.elements.namedItem("service").value,
      fields: fields,
      requirements_confirmed: confirmed,
      consent: consent,
      idempotency_key: key.value,
      website: form.elements.namedItem("website").value
    };
    if (Object.keys(answers).length) body.answers = answers;
    return body;
  }

  // The same checks the browser would make, worded like the server's messages.
  function localErrors() {
    var errors = {};
    groups().forEach(function (box) {
      var name = box.getAttribute("data-isian");
      var type = box.getAttribute("data-jenis");
      var label = box.getAttribute("data-label");
      var inputs = Array.prototype.slice.call(controls(box));
      if (type === "persyaratan") {
        // With the standard's questions only the items that apply need a tick: the server decides which.
        if (!box.hasAttribute("data-bersyarat") && inputs.some(function (i) { return !i.checked; })) {
          errors[name] = words.requirements;
        }
        return;
      }
      if (type === "jawaban") return;  // unanswered questions are named by the server's reply
      if (type === "persetujuan") {
        if (!inputs[0].checked) errors[name] = words.consent;
        return;
      }
      var validity = inputs[0].validity;
      if (type === "choice" && inputs[0].type === "radio") {
        if (inputs[0].required && !value(box)) errors[name] = say(words.choose, { label: label.toLowerCase() });
      } else if (validity.valueMissing) {
        errors[name] = say(words.required, { label: label });
      } else if (type === "nik" && validity.patternMismatch) {
        errors[name] = say(words.nik, { label: label });
      } else if (validity.typeMismatch) {
        errors[name] = say(words.invalid, { label: label });
      } else if (validity.tooLong) {
        errors[name] = say(words.too_long, { label: label });
      }
    });
    return errors;
  }

  // --- showing errors and notices ------------------------------------------------------------------------------

  function clearErrors() {
    document.title = baseTitle;
    summary.hidden = true;
    notice.hidden = true;
    summary.querySelector("ul").innerHTML = "";
    groups().forEach(function (box) {
      box.classList.remove("isian--galat");
      var message = box.querySelector(".isian__galat");
      if (message) { message.hidden = true; message.textContent = ""; }
      controls(box).forEach(function (input) { input.removeAttribute("aria-invalid"); });
    });
  }

  function summaryItem(message, target) {
    var item = document.createElement("li");
    if (target) {
      var link = document.createElement("a");
      link.href = "#" + target.id;
      link.textContent = message;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        target.focus();
        target.scrollIntoView({ block: "center" });
      });
      item.appendChild(link);
    } else {
      item.textContent = message;
    }
    return item;
  }

  function showErrors(errors) {
    clearErrors();
    var list = summary.querySelector("ul");
    if (errors._form) list.appendChild(summaryItem(errors._form, null));
    var shown = { _form: true };
    groups().forEach(function (box) {
      var name = box.getAttribute("data-isian");
      if (!errors[name]) return;
      shown[name] = true;
      box.classList.add("isian--galat");
      var message = box.querySelector(".isian__galat");
      message.textContent = "";
      message.appendChild(element("span", "sr-only", words.error_inline));
      message.appendChild(document.createTextNode(" " + errors[name]));
      message.hidden = false;
      var inputs = controls(box);
      inputs.forEach(function (input) { input.setAttribute("aria-invalid", "true"); });
      list.appendChild(summaryItem(errors[name], inputs[0]));
    });
    Object.keys(errors).forEach(function (name) {
      if (!shown[name]) list.appendChild(summaryItem(errors[name], null));
    });
    summary.hidden = false;
    document.title = words.error_prefix + baseTitle;
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }

  // Not sent, and nothing in the form to correct (too many from this address, busy, offline): said next to
  // the button, where the applicant is, under its own heading, not under "Ada yang perlu diperbaiki".
  function showNotice(message) {
    clearErrors();
    notice.querySelector("[data-pemberitahuan-teks]").textContent = message;
    notice.hidden = false;
    notice.focus();
  }

  function sending(on) {
    button.disabled = on;
    status.textContent = on ? words.sending : "";
  }

  // --- start ------------------------------------------------------------------------------------------------------

  // This history entry's key, or a new one for a fresh visit of the form.
  keepKey(entryKey() || key.value || uuid());
  var alreadySent = sentRecord(key.value);
  if (alreadySent) showSent(alreadySent);
  // Back into a page kept whole in the back/forward cache: the script does not run again, so check here.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var record = sentRecord(key.value);
    if (record) showSent(record);
  });

  // Errors rendered by the server (no JavaScript on the first try): focus them like ours.
  if (!summary.hidden) {
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) link.replaceWith(summaryItem(link.textContent, target).firstChild);
    });
    summary.focus();
  }

  form.addEventListener("submit", function (event) {
    // "Lanjut: unggah berkas" posts the form as it is to the document flow (/api/draf): no script needed there.
    if (event.submitter && event.submitter.hasAttribute("formaction")) return;
    event.preventDefault();
    if (button.disabled) return;
    var errors = localErrors();
    if (Object.keys(errors).length) { showErrors(errors); return; }
    clearErrors();
    sending(true);
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload()),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if ((response.status === 201 || response.status === 200) && body.status_url) {
          var record = {
            reference: body.reference,
            status_url: body.status_url,
            // 200: this form had been sent before; the confirmation then says so ("sudah terkirim").
            confirmation_url: body.confirmation_url
              ? body.confirmation_url + (response.status === 200 ? "&ulang=1" : "")
              : body.status_url
          };
          rememberSent(key.value, record);
          status.textContent = words.sent_opening;
          window.location.assign(record.confirmation_url);
          return;
        }
        if (response.status === 202) {
          // Accepted without a reference (the server's answer to the hidden honeypot field): say what
          // the server said, and do not invite a second try.
          status.textContent = body.message || words.accepted;
          return;
        }
        sending(false);
        if (response.status === 422 && body.errors) {
          showErrors(body.errors);
        } else if (typeof body.message === "string" && body.message) {
          // 429 (too many from this address), 503 (busy), 400, 413: the server's own words. What was
          // typed stays, and so does the idempotency key: sending again can never store it twice.
          showNotice(body.message);
        } else {
          showNotice(say(words.failed, { code: String(response.status) }));
        }
      });
    }, function () {
      sending(false);
      showNotice(words.offline);
    });
  });
})();
