// newsweave: a little JavaScript on top of pages that work without it.
// Story page: clicking a fact highlights its evidence sentence in every article column
// (the same link reloads with ?fact=ID when scripts are off). Article page: mark toggles.
(function () {
  "use strict";

  function factSpans(id) {
    return document.querySelectorAll('.ev[data-facts~="' + CSS.escape(id) + '"]');
  }

  function clearFact() {
    document.querySelectorAll(".ev.hl").forEach(function (el) { el.classList.remove("hl"); });
    document.querySelectorAll("tr.fact.selected").forEach(function (el) { el.classList.remove("selected"); });
    var banner = document.querySelector("[data-selected-banner]");
    if (banner) { banner.hidden = true; }
  }

  function selectFact(id, text) {
    var row = document.getElementById("fact-" + id);
    var already = row && row.classList.contains("selected");
    clearFact();
    if (already) {
      history.replaceState(null, "", location.pathname + "#coverage");
      return;
    }
    var spans = factSpans(id);
    spans.forEach(function (el) { el.classList.add("hl"); });
    if (row) { row.classList.add("selected"); }
    var banner = document.querySelector("[data-selected-banner]");
    if (banner) {
      banner.hidden = false;
      banner.querySelectorAll("a:not([data-clear-fact])").forEach(function (a) { a.remove(); });
      var label = banner.querySelector("[data-selected-text]");
      if (label) { label.textContent = text; }
    }
    history.replaceState(null, "", location.pathname + "?fact=" + encodeURIComponent(id) + "#articles");
    // Bring the articles into view (keeping some of the matrix above them) and scroll each
    // column to its first evidence span.
    var section = document.getElementById("articles");
    if (section) {
      var box = section.getBoundingClientRect();
      if (box.top > window.innerHeight * 0.6 || box.bottom < 0) {
        window.scrollBy({ top: box.top - window.innerHeight * 0.3 });
      }
    }
    var seen = new Set();
    spans.forEach(function (el) {
      var body = el.closest(".body");
      if (!body || seen.has(body)) { return; }
      seen.add(body);
      body.scrollTop = Math.max(0, el.offsetTop - body.offsetTop - 40);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-fact-link]");
    if (link) {
      event.preventDefault();
      selectFact(link.getAttribute("data-fact-link"), link.textContent.trim());
      return;
    }
    if (event.target.closest("[data-clear-fact]")) {
      event.preventDefault();
      clearFact();
      history.replaceState(null, "", location.pathname + "#coverage");
      return;
    }
    // Clicking an evidence sentence selects the (first) fact it supports.
    var span = event.target.closest(".ev[data-facts]");
    if (span && !event.target.closest("a")) {
      var id = span.getAttribute("data-facts").split(" ")[0];
      var factLink = document.querySelector('[data-fact-link="' + CSS.escape(id) + '"]');
      selectFact(id, factLink ? factLink.textContent.trim() : "");
    }
  });

  // Article page: show or hide each kind of mark.
  document.querySelectorAll("[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      var body = document.querySelector("[data-marked]");
      if (body) { body.classList.toggle("hide-" + box.getAttribute("data-toggle"), !box.checked); }
    });
  });
})();
