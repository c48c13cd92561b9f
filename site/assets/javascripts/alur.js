// Draws each procedure flowchart with the vendored mermaid, into the page itself.
// (The theme's own mermaid support draws into a closed shadow root and, were mermaid missing,
// would fetch it from a CDN; our sources use another class, so the theme never sees them.)
(function () {
  "use strict";
  var MIN_SCALE = 0.8;
  var sources = document.querySelectorAll("pre.alur__sumber");
  if (!sources.length || !window.mermaid) return;
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: "base",
    fontFamily: "inherit",
    themeVariables: {
      fontSize: "16px",
      primaryColor: "#e8eef7",
      primaryBorderColor: "#1d4e89",
      primaryTextColor: "#1a1a1a",
      lineColor: "#1d4e89",
      clusterBkg: "#f5f7fa",
      clusterBorder: "#7a8799",
      titleColor: "#1a1a1a"
    },
    flowchart: { useMaxWidth: true, htmlLabels: true, wrappingWidth: 220, padding: 10 }
  });
  sources.forEach(function (source, index) {
    var figure = source.parentNode;
    window.mermaid.render("alur-svg-" + index, source.textContent).then(function (result) {
      var drawing = document.createElement("div");
      drawing.className = "alur__gambar";
      drawing.innerHTML = result.svg;
      // Shrink a wide diagram to fit a phone only down to a readable size; beyond that it scrolls
      // sideways, in a region the keyboard can reach.
      var svg = drawing.querySelector("svg");
      var width = svg && svg.viewBox && svg.viewBox.baseVal ? svg.viewBox.baseVal.width : 0;
      if (width) svg.style.minWidth = Math.round(width * MIN_SCALE) + "px";
      drawing.setAttribute("tabindex", "0");
      drawing.setAttribute("role", "region");
      drawing.setAttribute("aria-label", "Bagan alur, dapat digeser ke samping");
      source.replaceWith(drawing);
      figure.style.minHeight = "";  // the drawing now holds the space the estimate kept
      figure.classList.add("alur--siap");
    }, function () {
      // The numbered steps above say the same; a diagram that fails to draw is left out.
      figure.style.minHeight = "";
      figure.classList.add("alur--gagal");
    });
  });
})();
