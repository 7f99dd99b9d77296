"use strict";
(function () {
  var q = document.getElementById("q");
  var cmin = document.getElementById("cmin");
  var cmax = document.getElementById("cmax");
  var outlet = document.getElementById("outlet");
  var eventSel = document.getElementById("event");
  var shown = document.getElementById("shown");
  var sheets = Array.prototype.slice.call(document.querySelectorAll("section.sheet"));
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  // the claims of every card, as rows (corroborate/report/sheets.py CLAIM_ROW), and the search text of
  // every card and sheet: both made on first use, so that a large report opens as fast as it parses
  var data = null, text = null;
  function claims() {
    if (data === null) { data = JSON.parse(document.getElementById("claims-data").textContent); }
    return data;
  }
  function index() {
    if (text !== null) { return text; }
    var d = claims();
    text = new Map();
    cards.forEach(function (c) {
      var rows = d.cards[c.id.replace("cluster-", "")] || [];
      var said = rows.map(function (r) { return [r[1], d.articles[r[3]][0], r[5], r[8] || ""].join(" "); });
      text.set(c, (c.textContent + " " + said.join(" ")).toLowerCase());
    });
    sheets.forEach(function (s) {
      var head = s.querySelector(".sheet-head");
      text.set(s, head ? head.textContent.toLowerCase() : "");
    });
    return text;
  }

  function number(input, fallback) {
    var v = parseFloat(input.value);
    return isNaN(v) ? fallback : v;
  }

  function count(nCards, nSheets) {
    shown.textContent = "Showing " + nCards + " of " + cards.length + " cards in " + nSheets + " of " +
      sheets.length + " events";
  }

  function apply() {
    var text = index();
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var lo = number(cmin, 0), hi = number(cmax, 1);
    var who = outlet.value, which = eventSel.value;
    var filtering = words.length > 0 || lo > 0 || hi < 1 || who !== "";
    var nCards = 0, nSheets = 0;
    sheets.forEach(function (s) {
      var id = s.getAttribute("data-event");
      var inEvent = which === "" || which === id;
      var head = text.get(s);
      var visible = 0;
      s.querySelectorAll("article.card").forEach(function (c) {
        var conf = parseFloat(c.getAttribute("data-conf"));
        var outlets = c.getAttribute("data-outlets").split("|");
        var body = text.get(c);
        var ok = inEvent && conf >= lo && conf <= hi && (who === "" || outlets.indexOf(who) >= 0) &&
          words.every(function (w) { return body.indexOf(w) >= 0 || head.indexOf(w) >= 0; });
        c.classList.toggle("hidden", !ok);
        if (ok) { visible += 1; }
      });
      var showSheet = inEvent && (visible > 0 || !filtering);
      s.classList.toggle("hidden", !showSheet);
      nCards += visible;
      if (showSheet) { nSheets += 1; }
    });
    count(nCards, nSheets);
  }

  function node(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content !== undefined && content !== null) { e.textContent = content; }
    return e;
  }
  function words(parent, content) { parent.appendChild(document.createTextNode(content)); }
  function tag(parent, cls, content) { words(parent, " "); parent.appendChild(node("span", "tag " + cls, content)); }
  function build(details) {
    if (details.hasAttribute("data-built")) { return; }
    var list = details.querySelector("ol.claims");
    var d = claims();
    (d.cards[details.getAttribute("data-cluster")] || []).forEach(function (r) {
      var article = d.articles[r[3]];
      var li = node("li");
      li.id = "claim-" + r[0];
      li.appendChild(node("b", null, r[1]));
      words(li, " · ");
      li.appendChild(node("time", null, r[2]));
      words(li, " · ");
      if (article[1] && /^https?:\/\//i.test(article[1])) {
        var a = node("a", null, article[0]);
        a.href = article[1]; a.rel = "noreferrer nofollow"; a.target = "_blank";
        li.appendChild(a);
      } else { words(li, article[0]); }
      if (r[7] && r[7] !== "asserted") { tag(li, r[7], r[7]); }
      if (r[10]) { tag(li, "denied", "dissents"); }
      if (r[8]) { tag(li, "", "cites " + r[8]); }
      if (r[9]) { tag(li, "", r[9]); }
      var quote = node("blockquote");
      words(quote, r[4]);
      quote.appendChild(node("mark", null, r[5]));
      words(quote, r[6]);
      li.appendChild(quote);
      list.appendChild(li);
    });
    details.setAttribute("data-built", "");
  }
  document.querySelectorAll("details.all-claims").forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) { build(d); } });
  });

  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(apply, 120); }
  q.addEventListener("input", later);
  [cmin, cmax, outlet, eventSel].forEach(function (el) { el.addEventListener("change", apply); });
  document.getElementById("reset").addEventListener("click", function () {
    q.value = ""; cmin.value = "0"; cmax.value = "1"; outlet.value = ""; eventSel.value = ""; apply();
  });

  // sortable tables: a button in each header cell sorts by that column (numbers by data-value)
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th button").forEach(function (button, index) {
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var down = button.getAttribute("data-dir") !== "desc";
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          var vx = x.getAttribute("data-value"), vy = y.getAttribute("data-value");
          var r = (vx !== null && vy !== null) ? parseFloat(vx) - parseFloat(vy)
            : x.textContent.localeCompare(y.textContent);
          return down ? -r : r;
        });
        button.setAttribute("data-dir", down ? "desc" : "asc");
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  count(cards.length, sheets.length);            // everything is shown until a filter is used
  // when the page became usable, in ms since navigation (read by benchmarks/bench_report.py)
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
