// Draws each procedure flowchart with the vendored mermaid, into the page itself.
// (The theme's own mermaid support draws into a closed shadow root and, were mermaid missing,
// would fetch it from a CDN; our sources use another class, so the theme never sees them.)
(function () {
  "use strict";
  var MIN_SCALE = 0.8;
  var mermaidUrl = document.currentScript && document.currentScript.getAttribute("data-mermaid");
  // Each source is a <script type="text/x-mermaid"> data block (sitegen/flowchart.py): never shown.
  var sources = document.querySelectorAll("script.alur__sumber");
  if (!sources.length || !mermaidUrl) return;

  // Mermaid (3.6 MB) is fetched only when a diagram is about to be seen (or the page is printed),
  // so that reading the requirements on a slow phone never waits for it.
  var requested = false;
  function loadMermaid() {
    if (requested) return;
    requested = true;
    var script = document.createElement("script");
    script.src = mermaidUrl;
    script.onload = draw;
    document.head.appendChild(script);
  }
  window.addEventListener("beforeprint", loadMermaid);
  // Near the screen when the page opens (a tall screen), or once the reader scrolls towards it.
  // Measured on the reader's own scrolling: a viewport resized by a tool (a full-page screenshot)
  // is nobody reading.
  var NEAR = 400;
  function isNear() {
    // clientHeight, not innerHeight: on a phone innerHeight is several screens tall until the page
    // scale settles after load.
    return sources[0].parentNode.getBoundingClientRect().top < document.documentElement.clientHeight + NEAR;
  }
  function onScroll() {
    if (isNear()) {
      window.removeEventListener("scroll", onScroll);
      loadMermaid();
    }
  }
  if (isNear()) loadMermaid();
  else window.addEventListener("scroll", onScroll, { passive: true });

  function draw() {
    if (!window.mermaid) return;
    var narrow = sources[0].parentNode.clientWidth < 600;
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
      // Narrower boxes on a phone, so that two lanes side by side still fit the screen.
      flowchart: {
        useMaxWidth: true, htmlLabels: true, wrappingWidth: narrow ? 180 : 220, padding: 8,
        nodeSpacing: narrow ? 24 : 40, rankSpacing: 36, diagramPadding: 4
      }
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
        // When it scrolls, start where the procedure starts: step 1, centred.
        var first = svg && svg.querySelector("g.node[id*='-langkah1-']");
        if (first && drawing.scrollWidth > drawing.clientWidth) {
          var box = first.getBoundingClientRect();
          var frame = drawing.getBoundingClientRect();
          drawing.scrollLeft = box.left - frame.left - (drawing.clientWidth - box.width) / 2;
          var caption = figure.querySelector("figcaption");
          if (caption) caption.appendChild(document.createTextNode(" Geser bagan ke samping untuk melihat semuanya."));
        }
        figure.style.minHeight = "";  // the drawing now holds the space the estimate kept
        figure.classList.add("alur--siap");
      }, function () {
        // The numbered steps above say the same; a diagram that fails to draw is left out.
        figure.style.minHeight = "";
        figure.classList.add("alur--gagal");
      });
    });
  }
})();
