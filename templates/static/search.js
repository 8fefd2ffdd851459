// The index's search: shows the search box (hidden without JavaScript: the map and the table
// of prefectures lead to every local government instead), fetches search.json on first use and
// lists the bodies whose name or reading matches — a link to the orderer's page, or, for a real
// local government this site does not list, the honest answer worded by the page's templates.
// Tolerant of ヶ/ケ/が, full-/half-width (NFKC), hiragana/katakana and a missing 市町村区 suffix.
"use strict";
(function () {
  var section = document.getElementById("search");
  if (!section || !window.fetch || !("content" in document.createElement("template"))) return;
  section.hidden = false;
  var input = document.getElementById("q");
  var list = document.getElementById("hits");
  var status = document.getElementById("hits-status");
  var root = section.getAttribute("data-root");
  var index = null;
  var loading = null;
  var LIMIT = 30;

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "")
      .replace(/[ヶヵケけガが]/g, "が")
      .replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
  }

  function load() {
    if (!loading) {
      loading = fetch(section.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (data) {
        index = data.rows.map(function (row) {
          var prefecture = data.prefectures[row[2] - 1] || ["", ""];
          var name = normalize(row[0]);
          return { row: row, prefecture: prefecture, name: name, full: normalize(prefecture[0]) + name,
            bare: name.replace(/[市町村区]$/, ""), reading: normalize(row[1]) };
        });
      });
    }
    return loading;
  }

  function fill(template, slots) {
    var node = document.getElementById(template).content.cloneNode(true);
    Object.keys(slots).forEach(function (slot) {
      node.querySelectorAll("[data-slot='" + slot + "']").forEach(function (el) {
        if (slot.slice(-4) === "href") el.setAttribute("href", slots[slot]); else el.textContent = slots[slot];
      });
    });
    return node;
  }

  function search() {
    var query = normalize(input.value);
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    var hits = [];
    index.forEach(function (e) {
      var rank = e.name === query || e.bare === query ? 0
        : e.name.indexOf(query) === 0 || e.reading.indexOf(query) === 0 ? 1
        : e.full.indexOf(query) >= 0 || e.reading.indexOf(query) >= 0 ? 2 : -1;
      if (rank >= 0) hits.push({ rank: rank, e: e });
    });
    hits.sort(function (a, b) { return a.rank - b.rank; });
    status.textContent = "";
    status.appendChild(fill(hits.length ? "hits-count" : "hits-none", { count: String(hits.length) }));
    hits.slice(0, LIMIT).forEach(function (hit) {
      var row = hit.e.row;
      list.appendChild(row[3]
        ? fill("hit-listed", { href: root + row[3] + "/", name: row[0], prefecture: hit.e.prefecture[0] })
        : fill("hit-not-listed", { name: row[0], prefecture: hit.e.prefecture[0], "prefecture-href": root + hit.e.prefecture[1] + "/" }));
    });
  }

  input.addEventListener("input", function () { load().then(search); });
  input.addEventListener("focus", load, { once: true });
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    load().then(search);
  });
})();
