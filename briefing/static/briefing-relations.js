/* The folded relations matrix (see briefing/relations.py). Loaded only on pages that have one.
   Where the text column is narrower than the matrix (a phone), the matrix scrolls in its own
   box: this marks the fold so that the hint above the matrix and a shadow on its cut edge
   show, and lets the keyboard scroll it. */
(function () {
  "use strict";

  function mark(details) {
    var table = details.querySelector("table");
    if (!table || !details.open) { return; }
    var scroller = table;
    while (scroller !== details && getComputedStyle(scroller).overflowX !== "auto" &&
           getComputedStyle(scroller).overflowX !== "scroll") {
      scroller = scroller.parentElement;
    }
    var overflows = scroller !== details && scroller.scrollWidth > scroller.clientWidth + 1;
    details.classList.toggle("briefing-relations-overflows", overflows);
    if (overflows) {
      scroller.tabIndex = 0;  // reachable by keyboard, and scrolled with the arrow keys
    } else {
      scroller.removeAttribute("tabindex");
    }
  }

  function init() {
    var all = document.querySelectorAll("details.briefing-relations-matrix-details");
    all.forEach(function (details) {
      details.addEventListener("toggle", function () { mark(details); });
      mark(details);
    });
    window.addEventListener("resize", function () { all.forEach(mark); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
