// Shows the published figures on service and agency pages when JavaScript runs: the survey's index (IKM, the
// section with data-ikm) and the latest months of Kinerja layanan (the section with data-kinerja). Each is read
// from the API's open data (JSON, cached 5 minutes) into the section the page already has; without JavaScript,
// or when the API cannot be reached, the section's plain links lead to the same figures. The words come from
// each section's data-pesan attribute (chalicelib/messages.py: SURVEY_SCRIPT, PERFORMANCE_SCRIPT).
(function () {
  "use strict";
  if (!window.fetch || !window.JSON) return;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function decimal(value) {
    return String(value).replace(".", ",");
  }

  function cell(row, tag, text, scope) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (scope) element.setAttribute("scope", scope);
    row.appendChild(element);
  }

  // A table: its caption, one header row, then one row per entry of `rows` ([heading, cell, cell, ...]).
  function table(caption, header, rows) {
    var element = document.createElement("table");
    var title = document.createElement("caption");
    title.textContent = caption;
    element.appendChild(title);
    var head = document.createElement("thead");
    var top = document.createElement("tr");
    header.forEach(function (name) { cell(top, "th", name, "col"); });
    head.appendChild(top);
    element.appendChild(head);
    var body = document.createElement("tbody");
    rows.forEach(function (values) {
      var row = document.createElement("tr");
      cell(row, "th", values[0], "row");
      values.slice(1).forEach(function (value) { cell(row, "td", value); });
      body.appendChild(row);
    });
    element.appendChild(body);
    return element;
  }

  // Reads the section's JSON and puts what `show` makes of it before the section's links.
  function fill(box, address, marker, show) {
    var words = JSON.parse(box.getAttribute("data-pesan") || "{}");
    fetch(address, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (document_) {
        var shown = show(document_, words);
        if (!shown) return;
        shown.setAttribute(marker, "");
        box.insertBefore(shown, box.querySelector("ul"));
      })
      .catch(function () { /* the links below stay: they show the same figures */ });
  }

  function paragraph(text) {
    var line = document.createElement("p");
    line.textContent = text;
    return line;
  }

  function survey(document_, words) {
    var result = document_.results && document_.results[0];
    if (!result) return null;
    var shown = document.createElement("div");
    shown.className = "ikm";
    if (result.ikm === null) {
      shown.appendChild(paragraph(say(words.none, { period: result.period })));
      return shown;
    }
    shown.appendChild(paragraph(say(words.summary, {
      ikm: decimal(result.ikm),
      grade: result.grade,
      grade_name: result.grade_name,
      respondents: result.respondents,
      period: result.period,
    })));
    var rows = result.elements.map(function (item) { return [item.code + " " + item.name, decimal(item.nrr)]; });
    shown.appendChild(table(words.caption, [words.element, words.nrr], rows));
    return shown;
  }

  var SHOWN_MONTHS = 3; // the latest months: the full series is one link away

  function performance(report, words) {
    function month(text) {
      var parts = text.split("-");
      return words.months[Number(parts[1]) - 1] + " " + parts[0];
    }
    function duration(minutes) {
      if (minutes === null || minutes === undefined) return "–";
      if (minutes < 60) return words.at_most + " " + minutes + " " + words.minutes;
      return words.at_most + " " + decimal(Math.round(minutes / 6) / 10) + " " + words.hours;
    }
    function share(value) {
      return value === null || value === undefined ? "–" : decimal(Math.round(value * 1000) / 10) + "%";
    }
    // A service's report holds its own months; an agency's holds every service's too: keep its own rows.
    var own = (report.months || []).filter(function (item) { return item.service === report.service; });
    var shown = document.createElement("div");
    shown.className = "kinerja__angka";
    if (!own.length) {
      shown.appendChild(paragraph(words.none));
      return shown;
    }
    // One column per month and one row per figure: three months fit a phone's width, six figures would not.
    var months = own.slice(0, SHOWN_MONTHS);
    var figures = [
      function (item) { return String(item.received); },
      function (item) { return String(item.decided); },
      function (item) { return String(item.returned); },
      function (item) { return duration(item.median_minutes_at_most); },
      function (item) { return share(item.share_within_promise); },
    ];
    var rows = figures.map(function (figure, index) {
      return [words.rows[index]].concat(months.map(figure));
    });
    shown.appendChild(table(words.caption, [words.figure].concat(months.map(function (item) {
      return month(item.month);
    })), rows));
    return shown;
  }

  var ikm = document.querySelector("[data-ikm]");
  if (ikm) fill(ikm, ikm.getAttribute("data-ikm"), "data-ikm-hasil", survey);
  var kinerja = document.querySelector("[data-kinerja]");
  if (kinerja) fill(kinerja, kinerja.getAttribute("data-kinerja"), "data-kinerja-hasil", performance);
})();
