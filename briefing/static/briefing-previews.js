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

  // tippy.js and Popper (43 KB) are fetched from _static/vendor/ when the reader first
  // points at or focuses a link that has a preview, not with every page.
  var here = document.currentScript && document.currentScript.src;
  var VENDOR = here ? here.replace(/briefing-previews\.js(\?.*)?$/, "vendor/") : null;
  var waiting = null;

  function load(src, then) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = then;
    document.head.appendChild(script);
  }

  function withTippy(then) {
    if (typeof window.tippy === "function") { then(); return; }
    if (waiting) { waiting.push(then); return; }
    waiting = [then];
    load(VENDOR + "popper.min.js", function () {
      load(VENDOR + "tippy.umd.min.js", function () {
        waiting.forEach(function (f) { f(); });
      });
    });
  }

  function wake(event) {
    var previews = window.briefingPreviews;
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!previews || !link || !previews[link.getAttribute("href")] || (!VENDOR && typeof window.tippy !== "function")) {
      return;
    }
    // Only a reader who stays on the link gets the preview (tippy's own delay is 250 ms):
    // a link followed at once fetches nothing, and no fetch is cut off by the navigation.
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!(link.matches(":hover") || document.activeElement === link)) {
        return;
      }
      document.removeEventListener("mouseover", wake, true);
      document.removeEventListener("focusin", wake, true);
      withTippy(function () {
        attach();
        if (link._tippy && (link.matches(":hover") || document.activeElement === link)) {
          link._tippy.show();
        }
      });
    }, 200);
  }
  var timer = null;

  if (typeof window.tippy === "function") {
    // Already on the page (a build that still loads it): attach once the page is parsed.
    if (document.readyState === "complete") { attach(); } else { document.addEventListener("DOMContentLoaded", attach); }
  } else {
    document.addEventListener("mouseover", wake, true);
    document.addEventListener("focusin", wake, true);
  }
})();
