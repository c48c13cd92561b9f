// The header's search, answered by Pagefind (sitegen/search.py builds its chunked index into /pagefind/).
// It keeps the theme's search dialog as it looks and behaves (overrides/partials/search.html): the toggle,
// the "?q=" deep link of the home page's box, Enter for the best result, arrows, Escape, "/" or "s" to
// search. pagefind.js, its WebAssembly and the index chunks a query needs are fetched only once the reader
// opens search, so a page costs nothing more to whoever does not search. Words come from the theme's
// Indonesian (#__config) and the dialog's data-cari-* attributes. Without JavaScript the theme hides the
// dialog and the header's link to the A–Z list shows instead (tanpa-js.css).
(function () {
  "use strict";
  var script = document.currentScript;
  var dialog = document.querySelector("[data-cari]");
  var toggle = document.querySelector("[data-md-toggle=search]");
  if (!script || !dialog || !toggle || !window.fetch) return;
  var form = dialog.querySelector("form");
  var input = dialog.querySelector(".md-search__input");
  var meta = dialog.querySelector(".md-search-result__meta");
  var list = dialog.querySelector(".md-search-result__list");
  var config = JSON.parse((document.getElementById("__config") || {}).textContent || "{}");
  var words = config.translations || {};
  var shown = 10; // results rendered; the count says how many there are
  var sections = 2; // matching sections shown under a result
  var pagefind = null;
  var latest = 0;

  function say(key, count) {
    return (words[key] || "").replace("#", String(count));
  }

  function open(value) {
    if (toggle.checked !== value) toggle.click(); // the theme's own way: its listeners see the change
  }

  function failed() {
    list.removeAttribute("aria-busy");
    meta.textContent = dialog.getAttribute("data-cari-gagal") + " ";
    var link = document.createElement("a");
    link.href = dialog.getAttribute("data-cari-daftar");
    link.textContent = "Daftar Layanan A–Z";
    meta.appendChild(link);
    meta.appendChild(document.createTextNode("."));
  }

  function load() {
    if (!pagefind) {
      var url = new URL(script.getAttribute("data-pagefind"), document.baseURI).href;
      pagefind = import(url).then(function (module) {
        return module.options({ excerptLength: 24 })
          .then(function () { module.init(); return module; });
      });
      pagefind.then(function () {
        if (!input.value) meta.textContent = say("search.result.placeholder");
      }, failed);
    }
    return pagefind;
  }

  function link(url, heading, excerpt, level) {
    var anchor = document.createElement("a");
    anchor.href = url;
    anchor.className = "md-search-result__link";
    anchor.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    if (level === 1) {
      var icon = document.createElement("div");
      icon.className = "md-search-result__icon md-icon";
      article.appendChild(icon);
    }
    var title = document.createElement(level === 1 ? "h1" : "h2");
    title.textContent = heading;
    article.appendChild(title);
    var text = document.createElement("p");
    text.innerHTML = excerpt; // Pagefind escapes the page's text and adds only <mark> around the words found
    article.appendChild(text);
    anchor.appendChild(article);
    return anchor;
  }

  function item(data) {
    var entry = document.createElement("li");
    entry.className = "md-search-result__item";
    entry.appendChild(link(data.url, data.meta.title, data.excerpt, 1));
    data.sub_results
      .filter(function (sub) { return sub.url.indexOf("#") >= 0 && sub.title !== data.meta.title; })
      .slice(0, sections)
      .forEach(function (sub) { entry.appendChild(link(sub.url, sub.title, sub.excerpt, 2)); });
    return entry;
  }

  function show(query, found, loaded) {
    list.textContent = "";
    list.removeAttribute("aria-busy");
    if (!query) meta.textContent = say("search.result.placeholder");
    else if (!found.length) meta.textContent = say("search.result.none");
    else if (found.length === 1) meta.textContent = say("search.result.one");
    else meta.textContent = say("search.result.other", found.length);
    loaded.forEach(function (data) { list.appendChild(item(data)); });
  }

  function search() {
    var query = input.value.trim();
    var mine = ++latest;
    list.setAttribute("aria-busy", "true"); // until the results of the last words typed are shown
    load().then(function (module) {
      if (!query) return show("", [], []);
      return module.debouncedSearch(query, {}, 150).then(function (result) {
        if (result === null || mine !== latest) return; // a later keystroke took over
        var found = result.results;
        return Promise.all(found.slice(0, shown).map(function (r) { return r.data(); })).then(function (loaded) {
          if (mine === latest) show(query, found, loaded);
        });
      });
    }).catch(failed);
  }

  function best() {
    var first = list.querySelector(".md-search-result__link");
    if (first) first.click();
  }

  function move(step) {
    var stops = [input].concat(Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link")));
    var at = Math.max(0, stops.indexOf(document.activeElement));
    stops[(at + step + stops.length) % stops.length].focus();
  }

  function typing(element) {
    return element && (element.tagName === "INPUT" || element.tagName === "TEXTAREA" ||
      element.tagName === "SELECT" || element.isContentEditable);
  }

  // The header's magnifier (phones): open, and focus the field within the click, which brings up a phone's
  // keyboard. The label's own toggling is cancelled: it would close again what the focus just opened.
  var label = document.querySelector("header label.md-header__button[for=__search]");
  if (label) {
    label.addEventListener("click", function (event) {
      event.preventDefault();
      open(true);
      input.focus();
    });
  }
  input.addEventListener("focus", function () { open(true); load(); });
  input.addEventListener("input", search);
  form.addEventListener("submit", function (event) { event.preventDefault(); best(); });
  form.addEventListener("reset", function () { setTimeout(function () { input.focus(); search(); }, 0); });
  dialog.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("a")) open(false);
  });
  toggle.addEventListener("change", function () {
    // Reveal the results to the accessibility tree only while search is open (as the theme does).
    list.setAttribute("role", toggle.checked ? "list" : "presentation");
    list.hidden = !toggle.checked;
    if (toggle.checked) load();
  });
  window.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.isComposing) return;
    if (toggle.checked) {
      if (event.key === "Escape" || event.key === "Tab") {
        open(false);
        input.blur();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        move(event.key === "ArrowDown" ? 1 : -1);
        event.preventDefault();
      } else if (event.key === "Enter" && document.activeElement === input) {
        best();
        event.preventDefault();
      } else if (event.key.length === 1 && document.activeElement !== input && !typing(document.activeElement)) {
        input.focus();
      }
    } else if ((event.key === "/" || event.key === "s" || event.key === "f") && !typing(document.activeElement)) {
      input.focus();
      input.select();
      event.preventDefault();
    }
  });

  // The home page's search box sends its words as ?q= (sitegen/pages.py): open search with them.
  var asked = new URL(location.href).searchParams.get("q");
  list.hidden = !toggle.checked;
  if (asked) {
    open(true);
    input.value = asked;
    input.focus();
    search();
    toggle.addEventListener("change", function forget() {
      if (toggle.checked) return;
      var url = new URL(location.href);
      url.searchParams.delete("q");
      history.replaceState({}, "", url.href);
      toggle.removeEventListener("change", forget);
    });
  }
})();
