/* Diagrams (see briefing/mermaid_render.py). Loaded only on pages that have one.
   - Timelines: pointing at or tapping an event shows its whole text (the SVG <title> the
     build put in each event) in the panel under the diagram (textContent only).
   - Every diagram has an "Enlarge" button: a full-screen view (a modal <dialog>) with pan
     and zoom by mouse (drag, wheel), keyboard (+ - 0 and the arrow keys; Escape closes) and
     touch (drag, pinch), from the vendored svg-pan-zoom (fetched on first use). The view holds a copy of the
     diagram whose ids are renamed, so no id appears twice on the page.
   - A diagram wider than its card shows a hint that it scrolls and can be enlarged. */
(function () {
  "use strict";

  function eventText(group) {
    var title = group.querySelector("title");
    return title ? title.textContent : "";
  }

  function wireTimeline(card) {
    var panel = card.querySelector(".briefing-diagram-detail");
    if (!panel) {
      return;
    }
    var groups = card.querySelectorAll("svg g.eventWrapper");
    for (var i = 0; i < groups.length; i++) {
      (function (group) {
        var text = eventText(group);
        if (!text) {
          return;
        }
        var show = function () {
          panel.textContent = text;
          panel.classList.add("briefing-diagram-detail-shown");
        };
        group.addEventListener("mouseenter", show);
        group.addEventListener("click", show);
        group.style.cursor = "pointer";
      })(groups[i]);
    }
  }

  var dialog = null, zoom = null, opener = null;
  // The pan-and-zoom library is fetched on first use only: pages stay light.
  var here = document.currentScript && document.currentScript.src;
  var LIBRARY = here ? here.replace(/briefing-diagrams\.js(\?.*)?$/, "vendor/svg-pan-zoom.min.js") : null;
  var loading = null;

  function withLibrary(then) {
    if (typeof window.svgPanZoom === "function") { then(); return; }
    if (!LIBRARY) { return; }
    if (!loading) {
      loading = [];
      var script = document.createElement("script");
      script.src = LIBRARY;
      script.onload = function () { loading.forEach(function (f) { f(); }); };
      document.head.appendChild(script);
    }
    loading.push(then);
  }

  function button(label, text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "briefing-zoom-button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = text;
    b.addEventListener("click", action);
    return b;
  }

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "briefing-zoom";
    var bar = document.createElement("div");
    bar.className = "briefing-zoom-bar";
    var title = document.createElement("h2");
    title.className = "briefing-zoom-title";
    title.id = "briefing-zoom-title";
    dialog.setAttribute("aria-labelledby", title.id);
    bar.appendChild(title);
    bar.appendChild(button("Zoom in (+)", "+", function () { zoom && zoom.zoomIn(); }));
    bar.appendChild(button("Zoom out (\u2212)", "\u2212", function () { zoom && zoom.zoomOut(); }));
    bar.appendChild(button("Fit to screen (0)", "Fit", function () { fit(); }));
    var close = button("Close (Escape)", "Close", function () { dialog.close(); });
    close.classList.add("briefing-zoom-close");
    bar.appendChild(close);
    var help = document.createElement("p");
    help.className = "briefing-zoom-help";
    help.textContent = "Drag to move; wheel, pinch or + and \u2212 to zoom; arrow keys to move; 0 to fit; Escape to close.";
    var stage = document.createElement("div");
    stage.className = "briefing-zoom-stage";
    dialog.appendChild(bar);
    dialog.appendChild(help);
    dialog.appendChild(stage);
    dialog.addEventListener("keydown", keys);
    dialog.addEventListener("close", function () {
      if (zoom) { zoom.destroy(); zoom = null; }
      stage.textContent = "";
      document.documentElement.classList.remove("briefing-zoom-open");
      if (opener) { opener.focus(); }
    });
    pinch(stage);
    document.body.appendChild(dialog);
  }

  function fit() {
    if (!zoom) { return; }
    zoom.resize();
    zoom.fit();
    zoom.center();
  }

  function keys(event) {
    if (!zoom || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var step = 60, handled = true;
    switch (event.key) {
      case "+": case "=": zoom.zoomIn(); break;
      case "-": case "_": zoom.zoomOut(); break;
      case "0": fit(); break;
      case "ArrowLeft": zoom.panBy({x: step, y: 0}); break;
      case "ArrowRight": zoom.panBy({x: -step, y: 0}); break;
      case "ArrowUp": zoom.panBy({x: 0, y: step}); break;
      case "ArrowDown": zoom.panBy({x: 0, y: -step}); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  }

  function pinch(stage) {
    var start = null;
    function distance(t) { return Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY); }
    stage.addEventListener("touchstart", function (e) {
      if (e.touches.length === 2 && zoom) { start = {d: distance(e.touches), zoom: zoom.getZoom()}; }
    }, {passive: true});
    stage.addEventListener("touchmove", function (e) {
      if (!start || e.touches.length !== 2 || !zoom) { return; }
      e.preventDefault();
      var box = stage.getBoundingClientRect();
      var x = (e.touches[0].clientX + e.touches[1].clientX) / 2 - box.left;
      var y = (e.touches[0].clientY + e.touches[1].clientY) / 2 - box.top;
      zoom.zoomAtPoint(start.zoom * distance(e.touches) / start.d, {x: x, y: y});
    }, {passive: false});
    stage.addEventListener("touchend", function (e) { if (e.touches.length < 2) { start = null; } });
  }

  function openZoom(card, trigger) {
    var svg = card.querySelector(".briefing-diagram-scroll svg");
    if (!svg || typeof window.svgPanZoom !== "function") { return; }
    if (!dialog) { buildDialog(); }
    opener = trigger;
    var id = svg.id;
    var html = svg.outerHTML;
    if (id) { html = html.split(id).join(id + "-zoom"); }
    var stage = dialog.querySelector(".briefing-zoom-stage");
    stage.innerHTML = html;  // the page's own SVG, with its ids renamed
    var copy = stage.querySelector("svg");
    copy.removeAttribute("style");
    copy.setAttribute("width", "100%");
    copy.setAttribute("height", "100%");
    copy.setAttribute("focusable", "false");
    var caption = card.querySelector(".briefing-diagram-caption");
    dialog.querySelector(".briefing-zoom-title").textContent =
      caption ? caption.textContent.replace(/\s+/g, " ").trim() : "Diagram";
    document.documentElement.classList.add("briefing-zoom-open");
    dialog.showModal();
    zoom = window.svgPanZoom(copy, {
      zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, dblClickZoomEnabled: true,
      mouseWheelZoomEnabled: true, fit: true, center: true, minZoom: 0.3, maxZoom: 12, zoomScaleSensitivity: 0.3,
    });
    dialog.querySelector(".briefing-zoom-close").focus();
  }

  var MIN_TEXT_PX = 11;

  // A diagram squeezed so far that its text would be smaller than 11 px is drawn larger
  // instead; it then scrolls in its card, and says so.
  function keepLegible(card) {
    var svg = card.querySelector(".briefing-diagram-scroll svg");
    if (!svg || !svg.getScreenCTM) { return; }
    var smallest = Infinity;
    svg.querySelectorAll("text").forEach(function (t) {
      if (!t.textContent.trim()) { return; }
      var m = t.getScreenCTM();
      if (!m) { return; }
      var size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (size > 0 && size < smallest) { smallest = size; }
    });
    if (smallest < MIN_TEXT_PX) {
      var width = svg.getBoundingClientRect().width;
      svg.style.minWidth = Math.ceil(width * MIN_TEXT_PX / smallest) + 1 + "px";
    }
  }

  function markOverflow(card) {
    var scroller = card.querySelector(".briefing-diagram-scroll");
    var tools = card.querySelector(".briefing-diagram-tools");
    if (!scroller || !tools) { return; }
    card.classList.toggle("briefing-diagram-overflows", scroller.scrollWidth > scroller.clientWidth + 1);
  }

  function wireZoom(card) {
    var tools = card.querySelector(".briefing-diagram-tools");
    var open = card.querySelector(".briefing-zoom-open");
    if (!tools || !open || (!LIBRARY && typeof window.svgPanZoom !== "function")) { return; }
    tools.hidden = false;
    open.addEventListener("click", function () { withLibrary(function () { openZoom(card, open); }); });
    keepLegible(card);
    markOverflow(card);
  }

  function init() {
    var cards = document.querySelectorAll(".briefing-diagram");
    for (var i = 0; i < cards.length; i++) {
      wireTimeline(cards[i]);
      wireZoom(cards[i]);
    }
    window.addEventListener("resize", function () {
      for (var j = 0; j < cards.length; j++) { markOverflow(cards[j]); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
