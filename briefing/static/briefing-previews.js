/* Hover previews for cross-references and citations (see briefing/previews.py).
   The page's data file sets window.briefingPreviews = {href: [title, text]}; this script
   attaches a tippy.js tooltip to every matching link in the article. Text only: the
   tooltip is built with textContent, so no markup or id from the target is copied. */
(function () {
  "use strict";

  function content(title, text) {
    var box = document.createElement("span");
    box.className = "briefing-preview";
    if (title) {
      var heading = document.createElement("strong");
      heading.className = "briefing-preview-title";
      heading.textContent = title;
      box.appendChild(heading);
    }
    if (text) {
      var body = document.createElement("span");
      body.className = "briefing-preview-text";
      body.textContent = text;
      box.appendChild(body);
    }
    return box;
  }

  function attach() {
    var previews = window.briefingPreviews;
    if (!previews || typeof window.tippy !== "function") {
      return;
    }
    var article = document.querySelector("article[role=main]") || document.body;
    var links = article.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (link.classList.contains("headerlink")) {
        continue;
      }
      var found = previews[link.getAttribute("href")];
      if (!found) {
        continue;
      }
      // A link's title would show as a second, native tooltip: it becomes the preview's
      // heading when the target has none (a passage on the Sources page).
      var title = link.getAttribute("title");
      if (title) {
        link.removeAttribute("title");
      }
      link.classList.add("briefing-has-preview");
      window.tippy(link, {
        content: content(found[0] || title || "", found[1]),
        trigger: "mouseenter focus",
        touch: false,
        placement: "bottom-start",
        maxWidth: 420,
        delay: [250, 0],
        theme: "briefing",
        aria: { content: "describedby", expanded: false },
      });
    }
  }

  // Deferred scripts run before DOMContentLoaded, in order: wait for the page's data file.
  if (document.readyState === "complete") {
    attach();
  } else {
    document.addEventListener("DOMContentLoaded", attach);
  }
})();
