/* "Cite this" blocks and the How to cite page: a small copy button on every .briefing-copy
   element (briefing/cite_this.py). Local script, no network. Without JavaScript the text
   stays selectable. */
(function () {
  "use strict";
  function textOf(el) {
    var pre = el.matches("pre") ? el : el.querySelector("pre");
    return (pre || el).textContent.replace(/\s+$/, "");
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }
  function addButton(el) {
    if (el.dataset.copyReady) { return; }
    el.dataset.copyReady = "1";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "briefing-copy-button";
    button.textContent = "Copy";
    var what = el.classList.contains("cite-this-bibtex") ? "BibTeX" : "reference";
    button.setAttribute("aria-label", "Copy " + what);
    button.addEventListener("click", function () {
      copy(textOf(el)).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Select and copy";
      });
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    });
    if (el.matches("div")) {
      el.appendChild(button);  /* a highlighted block: the button sits in its corner */
    } else {
      el.parentNode.insertBefore(button, el.nextSibling);
    }
  }
  function init() {
    document.querySelectorAll(".briefing-copy").forEach(addButton);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
