// The documents page with JavaScript (issue 12; web/draft_pages.py inlines this file under a CSP hash). Every
// chosen file goes to the store at once, each with a <progress> and a status line; the store answers 204 (the
// form's data-unggah fields) and the API verifies each file (data-periksa, ?format=json), then the page's
// sections are read again from the API, as the page looks without JavaScript. Without JavaScript nothing here
// runs: each form posts to the store, which sends the browser back to the API.
(() => {
  "use strict";
  const root = document.getElementById("unggah-bersama");
  const summary = document.getElementById("unggah-ringkasan");
  if (!root || !summary || !window.FormData || !window.DOMParser || !window.fetch) return;
  const text = JSON.parse(root.dataset.pesan);
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
  const forms = () => Array.from(document.querySelectorAll("form[data-unggah]"));
  let busy = false;

  function parts(form) {
    return {
      input: form.querySelector("input[type=file]"),
      bar: form.querySelector("progress"),
      status: form.querySelector(".unggah-status"),
    };
  }

  function enhance(form) {
    if (form.dataset.unggahSiap) return;
    form.dataset.unggahSiap = "ya";
    form.noValidate = true; // a press uploads every chosen file: this form's own may be empty
    const { input } = parts(form);
    const label = document.createElement("label");
    const bar = document.createElement("progress");
    const status = document.createElement("p");
    bar.id = "kemajuan-" + input.id;
    label.htmlFor = bar.id;
    label.textContent = fill(text.progress_label, { item: form.dataset.persyaratan, slot: form.dataset.berkas });
    bar.max = 100;
    bar.value = 0;
    label.hidden = bar.hidden = true;
    status.className = "unggah-status";
    status.setAttribute("role", "status");
    form.append(label, bar, status);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      uploadChosen();
    });
  }

  function progress(form, percent) {
    const { bar, status } = parts(form);
    const shown = Number(bar.value);
    bar.value = percent;
    if (percent === 100 || Math.floor(percent / 10) > Math.floor(shown / 10)) {
      status.textContent = fill(text.progress, { percent }); // every tenth, not every event: it is read aloud
    }
  }

  async function verify(form, storeError) {
    const { status } = parts(form);
    status.textContent = text.checking;
    const url = form.dataset.periksa + (storeError ? "&gagal=" + encodeURIComponent(storeError) : "");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const answer = await response.json();
      status.textContent = answer.pesan;
      return response.ok ? answer : null;
    } catch (error) {
      status.textContent = text.check_failed;
      return null;
    }
  }

  function uploadOne(form) {
    const { input, bar, status } = parts(form);
    const file = input.files[0];
    if (file.size > Number(form.dataset.maks)) return verify(form, "EntityTooLarge"); // the store would refuse it
    if (file.size === 0) return verify(form, "EntityTooSmall");
    bar.hidden = bar.labels[0].hidden = false;
    progress(form, 0);
    return new Promise((resolve) => {
      const body = new FormData();
      for (const [name, value] of Object.entries(JSON.parse(form.dataset.unggah))) body.append(name, value);
      body.append("file", file); // last, as the store requires
      const request = new XMLHttpRequest();
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress(form, Math.min(99, Math.round((event.loaded / event.total) * 100)));
      });
      request.addEventListener("load", () => {
        if (request.status >= 200 && request.status < 300) {
          progress(form, 100);
          resolve(verify(form, ""));
          return;
        }
        const code = /<Code>([A-Za-z]+)<\/Code>/.exec(request.responseText || "");
        resolve(verify(form, code ? code[1] : "Ditolak"));
      });
      request.addEventListener("error", () => resolve(verify(form, "Jaringan")));
      status.textContent = fill(text.progress, { percent: 0 });
      request.open("POST", form.action);
      request.send(body);
    });
  }

  async function refresh() {
    const response = await fetch(location.pathname + location.search, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const section of document.querySelectorAll("section[id^='persyaratan-']")) {
      const replacement = fresh.getElementById(section.id);
      if (replacement) section.replaceWith(document.importNode(replacement, true));
    }
    forms().forEach(enhance);
  }

  function buttons(disabled) {
    for (const button of document.querySelectorAll("form[data-unggah] button")) button.disabled = disabled;
  }

  async function uploadChosen() {
    if (busy) return;
    const chosen = forms().filter((form) => parts(form).input.files.length);
    if (!chosen.length) {
      summary.textContent = text.none_chosen;
      return;
    }
    busy = true;
    summary.textContent = "";
    buttons(true);
    const answers = await Promise.all(chosen.map(uploadOne));
    const accepted = answers.filter((answer) => answer && answer.diterima).length;
    if (answers.every((answer) => answer)) {
      try {
        await refresh(); // each verified file and each refusal, as the API shows them without JavaScript
      } catch (error) {
        // the status lines stay; reloading the page shows the same
      }
    }
    busy = false;
    buttons(false);
    summary.textContent = fill(text.done, { accepted, refused: chosen.length - accepted });
    summary.focus();
  }

  root.hidden = false;
  summary.tabIndex = -1;
  forms().forEach(enhance);
})();
