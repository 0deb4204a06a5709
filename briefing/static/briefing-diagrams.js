/* Diagrams (see briefing/mermaid_render.py). Loaded only on pages that have one.
   Timelines: pointing at, tapping or focusing an event shows its whole text (the SVG
   <title> the build put in each event) in the panel under the diagram. Text only:
   the panel is filled with textContent. */
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

  function init() {
    var cards = document.querySelectorAll(".briefing-diagram");
    for (var i = 0; i < cards.length; i++) {
      wireTimeline(cards[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
