// Shows the latest months of "Kinerja layanan" on service and agency pages when JavaScript runs: reads the
// API's figures (the section's data-kinerja address, JSON, cached 5 minutes) into the section the page already
// has. Without JavaScript, or when the API cannot be reached, the section's plain links lead to the same figures.
// Its words and month names come from the section's data-pesan attribute (chalicelib/messages.py).
(function () {
  "use strict";
  var box = document.querySelector("[data-kinerja]");
  if (!box || !window.fetch || !window.JSON) return;
  var words = JSON.parse(box.getAttribute("data-pesan") || "{}");
  var SHOWN = 3; // the latest months: the full series is one link away

  function cell(row, tag, text, scope) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (scope) element.setAttribute("scope", scope);
    row.appendChild(element);
  }

  function month(text) {
    var parts = text.split("-");
    return words.months[Number(parts[1]) - 1] + " " + parts[0];
  }

  function duration(minutes) {
    if (minutes === null || minutes === undefined) return "–";
    if (minutes < 60) return words.at_most + " " + minutes + " " + words.minutes;
    var hours = Math.round(minutes / 6) / 10;
    return words.at_most + " " + String(hours).replace(".", ",") + " " + words.hours;
  }

  function share(value) {
    return value === null || value === undefined ? "–" : String(Math.round(value * 1000) / 10).replace(".", ",") + "%";
  }

  function table(months) {
    var element = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = words.caption;
    element.appendChild(caption);
    var head = document.createElement("thead");
    var top = document.createElement("tr");
    words.columns.forEach(function (name) { cell(top, "th", name, "col"); });
    head.appendChild(top);
    element.appendChild(head);
    var body = document.createElement("tbody");
    months.forEach(function (item) {
      var row = document.createElement("tr");
      cell(row, "th", month(item.month), "row");
      cell(row, "td", String(item.received));
      cell(row, "td", String(item.decided));
      cell(row, "td", String(item.returned));
      cell(row, "td", duration(item.median_minutes_at_most));
      cell(row, "td", share(item.share_within_promise));
      body.appendChild(row);
    });
    element.appendChild(body);
    return element;
  }

  fetch(box.getAttribute("data-kinerja"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (report) {
      // A service's report holds its own months; an agency's holds every service's too: keep its own rows.
      var own = (report.months || []).filter(function (item) { return item.service === report.service; });
      var shown = document.createElement("div");
      shown.className = "kinerja__angka";
      shown.setAttribute("data-kinerja-hasil", "");
      if (!own.length) {
        var none = document.createElement("p");
        none.textContent = words.none;
        shown.appendChild(none);
      } else {
        shown.appendChild(table(own.slice(0, SHOWN)));
      }
      box.insertBefore(shown, box.querySelector("ul"));
    })
    .catch(function () { /* the links below stay: they show the same figures */ });
})();
