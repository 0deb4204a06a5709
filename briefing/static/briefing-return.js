/* Back to the sentence (briefing/citations.py). Following a citation's paragraph link
   remembers, for this tab only (sessionStorage), the citation the reader came from. On the
   Sources page the passage then offers "Back to the sentence" (one click to the exact
   citation, which is highlighted) and marks, in its "Cited in" list, the section the
   reader came from. Nothing is sent anywhere; without JavaScript the back button works. */
(function () {
  "use strict";
  var KEY = "briefing-return";

  function bare(url) {
    return url.split("#")[0].replace(/index\.html$/, "");
  }

  function headingText(section) {
    var h = section && section.querySelector("h1, h2, h3, h4, h5, h6");
    if (!h) { return ""; }
    var copy = h.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function remember(event) {
    var link = event.target.closest && event.target.closest(".briefing-citation a[href]");
    if (!link) { return; }
    var citation = link.closest(".briefing-citation");
    if (!citation.id) { return; }
    var page = bare(location.href);
    var sections = [];
    for (var s = citation.closest("section"); s; s = s.parentElement.closest("section")) {
      if (s.id) { sections.push(page + "#" + s.id); }
    }
    sections.push(page);
    var section = citation.closest("section[id]");
    var h1 = document.querySelector("article[role=main] h1");
    var chapter = headingText(h1 && h1.closest("section"));
    var title = headingText(section);
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        back: page + "#" + citation.id,
        target: link.href,
        sections: sections,
        where: title && title !== chapter ? chapter + " › " + title : chapter,
      }));
    } catch (e) { /* storage refused: the back button still works */ }
  }

  function offerReturn() {
    var stored;
    try { stored = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { stored = null; }
    if (!stored || !location.hash) { return; }
    if (bare(stored.target) !== bare(location.href) || stored.target.split("#")[1] !== location.hash.slice(1)) {
      return;
    }
    var anchor = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var entry = anchor && (anchor.closest("li") || anchor.parentElement);
    if (!entry) { return; }
    document.querySelectorAll(".briefing-return").forEach(function (el) { el.remove(); });
    document.querySelectorAll(".briefing-came-from").forEach(function (el) {
      el.classList.remove("briefing-came-from");
      el.removeAttribute("aria-current");
    });
    var back = document.createElement("a");
    back.className = "briefing-return";
    back.href = stored.back;
    back.textContent = "\u21a9 Back to the sentence" + (stored.where ? " in \u201c" + stored.where + "\u201d" : "");
    var holder = document.createElement("span");
    holder.className = "briefing-return-line";
    holder.appendChild(back);
    // Right after the anchor the browser scrolls to: on screen whenever the passage is.
    anchor.parentNode.insertBefore(holder, anchor.nextSibling);
    var links = Array.prototype.slice.call(entry.querySelectorAll(".briefing-cited-in a[href]"));
    for (var i = 0; i < stored.sections.length; i++) {
      var found = links.filter(function (a) { return a.href.replace(/index\.html(?=#|$)/, "") === stored.sections[i]; })[0];
      if (found) {
        found.classList.add("briefing-came-from");
        found.setAttribute("aria-current", "location");
        found.title = "You came from this section";
        break;
      }
    }
  }

  function markSentence() {
    document.querySelectorAll(".briefing-returned").forEach(function (el) { el.classList.remove("briefing-returned"); });
    if (!location.hash) { return; }
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.classList.contains("briefing-citation")) {
      (el.closest("p, li, td, dd") || el).classList.add("briefing-returned");
    }
  }

  document.addEventListener("click", remember, true);
  window.addEventListener("hashchange", function () { offerReturn(); markSentence(); });
  function init() { offerReturn(); markSentence(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
