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
  var text = new Map();
  cards.forEach(function (c) { text.set(c, c.textContent.toLowerCase()); });
  sheets.forEach(function (s) {
    var head = s.querySelector(".sheet-head");
    text.set(s, head ? head.textContent.toLowerCase() : "");
  });

  function number(input, fallback) {
    var v = parseFloat(input.value);
    return isNaN(v) ? fallback : v;
  }

  function apply() {
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
    shown.textContent = "Showing " + nCards + " of " + cards.length + " cards in " + nSheets + " of " +
      sheets.length + " events";
  }

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
  apply();
  // when the page became usable, in ms since navigation (read by benchmarks/bench_report.py)
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
