// Enhances the application form (chalicelib/templates/form.html) when JavaScript runs:
// checks required answers locally, sends JSON with fetch, shows the server's errors in place,
// and goes to the status page on success. Without JavaScript the form is a plain POST.
(function () {
  "use strict";
  var form = document.querySelector("form[data-permohonan]");
  if (!form || !window.fetch || !window.JSON) return;
  var button = form.querySelector("[data-kirim]");
  var status = form.querySelector("[data-status]");
  var summary = form.querySelector("#ringkasan-galat");
  var key = form.elements.namedItem("idempotency_key");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; plain http outside 127.0.0.1 falls back to this.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  if (!key.value) key.value = uuid();

  function groups() { return form.querySelectorAll("[data-isian]"); }
  function group(name) { return form.querySelector('[data-isian="' + name + '"]'); }
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
    var consent = false;
    groups().forEach(function (box) {
      var name = box.getAttribute("data-isian");
      var type = box.getAttribute("data-jenis");
      if (type === "persyaratan") {
        controls(box).forEach(function (input) { confirmed.push(input.checked); });
      } else if (type === "persetujuan") {
        consent = controls(box)[0].checked;
      } else {
        fields[name] = value(box);
      }
    });
    return {
      service: form.elements.namedItem("service").value,
      fields: fields,
      requirements_confirmed: confirmed,
      consent: consent,
      idempotency_key: key.value,
      website: form.elements.namedItem("website").value
    };
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
        if (inputs.some(function (i) { return !i.checked; })) {
          errors[name] = "Centang semua persyaratan; siapkan dulu berkas yang belum ada.";
        }
        return;
      }
      if (type === "persetujuan") {
        if (!inputs[0].checked) errors[name] = "Centang persetujuan pemrosesan data pribadi untuk melanjutkan.";
        return;
      }
      var validity = inputs[0].validity;
      if (type === "choice" && inputs[0].type === "radio") {
        if (inputs[0].required && !value(box)) errors[name] = "Pilih " + label.toLowerCase() + ".";
      } else if (validity.valueMissing) {
        errors[name] = label + " wajib diisi.";
      } else if (type === "nik" && validity.patternMismatch) {
        errors[name] = "NIK harus 16 digit angka.";
      } else if (validity.typeMismatch) {
        errors[name] = label + " tidak sah, periksa lagi penulisannya.";
      } else if (validity.tooLong) {
        errors[name] = label + " terlalu panjang.";
      }
    });
    return errors;
  }

  function clearErrors() {
    summary.hidden = true;
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
      message.innerHTML = '<span class="sr-only">Galat:</span> ';
      message.appendChild(document.createTextNode(errors[name]));
      message.hidden = false;
      var inputs = controls(box);
      inputs.forEach(function (input) { input.setAttribute("aria-invalid", "true"); });
      list.appendChild(summaryItem(errors[name], inputs[0]));
    });
    Object.keys(errors).forEach(function (name) {
      if (!shown[name]) list.appendChild(summaryItem(errors[name], null));
    });
    summary.hidden = false;
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }

  // Errors rendered by the server (no JavaScript on the first try): focus them like ours.
  if (!summary.hidden) {
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) link.replaceWith(summaryItem(link.textContent, target).firstChild);
    });
    summary.focus();
  }

  function sending(on) {
    button.disabled = on;
    status.textContent = on ? "Mengirim permohonan…" : "";
  }

  form.addEventListener("submit", function (event) {
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
          status.textContent = "Permohonan terkirim. Membuka halaman status…";
          window.location.assign(body.status_url);
          return;
        }
        if (response.status === 202) {
          // Accepted without a reference (the server's answer to the hidden honeypot field): say what
          // the server said, and do not invite a second try.
          status.textContent = body.message || "Permohonan diterima.";
          return;
        }
        sending(false);
        if (response.status === 422 && body.errors) {
          showErrors(body.errors);
        } else if (typeof body.message === "string" && body.message) {
          // 429 (too many from this address), 503 (busy), 400, 413: the server's own words. What was
          // typed stays, and so does the idempotency key: sending again can never store it twice.
          showErrors({ _form: body.message });
        } else {
          showErrors({ _form: "Permohonan belum terkirim (kode " + response.status + "). Silakan coba lagi." });
        }
      });
    }, function () {
      sending(false);
      showErrors({ _form: "Permohonan belum terkirim karena sambungan terputus. Periksa internet Anda, lalu kirim lagi." });
    });
  });
})();
