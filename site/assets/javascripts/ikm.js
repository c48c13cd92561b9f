// Shows the survey's published index (IKM) on service and agency pages when JavaScript runs: reads the API's
// open data (the section's data-ikm address, JSON, cached 5 minutes) into the section the page already has.
// Without JavaScript, or when the API cannot be reached, the section's plain link leads to the same figures.
// Its words come from the section's data-pesan attribute (chalicelib/messages.py, SURVEY_SCRIPT).
(function () {
  "use strict";
  var box = document.querySelector("[data-ikm]");
  if (!box || !window.fetch || !window.JSON) return;
  var words = JSON.parse(box.getAttribute("data-pesan") || "{}");

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

  function table(result) {
    var element = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = words.caption;
    element.appendChild(caption);
    var head = document.createElement("thead");
    var top = document.createElement("tr");
    cell(top, "th", words.element, "col");
    cell(top, "th", words.nrr, "col");
    head.appendChild(top);
    element.appendChild(head);
    var body = document.createElement("tbody");
    result.elements.forEach(function (item) {
      var row = document.createElement("tr");
      cell(row, "th", item.code + " " + item.name, "row");
      cell(row, "td", decimal(item.nrr));
      body.appendChild(row);
    });
    element.appendChild(body);
    return element;
  }

  fetch(box.getAttribute("data-ikm"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (document_) {
      var result = document_.results && document_.results[0];
      if (!result) return;
      var shown = document.createElement("div");
      shown.className = "ikm";
      shown.setAttribute("data-ikm-hasil", "");
      var line = document.createElement("p");
      if (result.ikm === null) {
        line.textContent = say(words.none, { period: result.period });
        shown.appendChild(line);
      } else {
        line.textContent = say(words.summary, {
          ikm: decimal(result.ikm),
          grade: result.grade,
          grade_name: result.grade_name,
          respondents: result.respondents,
          period: result.period,
        });
        shown.appendChild(line);
        shown.appendChild(table(result));
      }
      box.insertBefore(shown, box.querySelector("ul"));
    })
    .catch(function () { /* the link below stays: it shows the same figures */ });
})();
