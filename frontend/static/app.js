// Countdowns to arrival, keyboard work on the queue, and auto-refresh.
(function () {
  function fmt(ms) {
    var past = ms < 0; ms = Math.abs(ms);
    var h = Math.floor(ms / 3600000), m = Math.floor((ms % 3600000) / 60000);
    var s = (h ? h + " h " : "") + m + " min";
    return past ? "landed " + s + " ago" : "in " + s;
  }
  function tick() {
    document.querySelectorAll("time.countdown").forEach(function (t) {
      var at = Date.parse(t.getAttribute("datetime"));
      // The UTC and local times are printed beside it by the server.
      if (!isNaN(at)) t.textContent = fmt(at - Date.now());
    });
  }
  tick(); setInterval(tick, 30000);

  // The queue: j/k select a row (focus goes to its traveller link, so Enter opens it and the
  // focus ring shows where one is), o opens, c claims, ? shows the help.
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
  var help = document.getElementById("key-help");
  var sel = -1;
  // A claim reloads the page; the claimed item is selected again afterwards.
  var KEEP = "paxrisk.queue.selected";
  function select(i) {
    if (!rows.length) return;
    if (sel >= 0) rows[sel].classList.remove("selected");
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows[sel].classList.add("selected");
    var a = rows[sel].querySelector("a.item-link");
    if (a) { a.focus(); a.scrollIntoView({ block: "nearest" }); }
  }
  function selected(what) {
    return sel >= 0 ? rows[sel].querySelector(what) : null;
  }
  try {
    var kept = sessionStorage.getItem(KEEP);
    sessionStorage.removeItem(KEEP);
    rows.forEach(function (r, i) { if (kept && r.getAttribute("data-item") === kept) select(i); });
  } catch (e) { /* storage off: start unselected */ }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName)) return;
    if (e.key === "?" && help) { help.hidden = !help.hidden; return; }
    if (e.key === "Escape" && help) { help.hidden = true; return; }
    if (!rows.length) return;
    if (e.key === "j") select(sel + 1);
    else if (e.key === "k") select(sel < 0 ? 0 : sel - 1);
    else if (e.key === "o") {
      var a = selected("a.item-link");
      if (a) location.href = a.href;
    } else if (e.key === "c") {
      var f = selected("form.claim");
      if (f) {
        try { sessionStorage.setItem(KEEP, rows[sel].getAttribute("data-item")); } catch (x) { /* fine */ }
        f.submit();
      }
    }
  });
  var q = document.querySelector("table.queue[data-refresh]");
  // Never reload under someone choosing a row or typing a filter.
  if (q) setTimeout(function () {
    var busy = document.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (sel < 0 && !busy) location.reload();
  }, 1000 * parseInt(q.getAttribute("data-refresh"), 10));
})();
