// Countdowns to arrival, keyboard navigation of the queue, and auto-refresh.
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
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr"));
  var sel = -1;
  function select(i) {
    if (!rows.length) return;
    if (sel >= 0) rows[sel].classList.remove("selected");
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows[sel].classList.add("selected");
    var a = rows[sel].querySelector("a.item-link"); if (a) a.focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT" || e.target.tagName === "TEXTAREA") return;
    if (e.key === "j") select(sel + 1);
    if (e.key === "k") select(sel - 1);
  });
  var q = document.querySelector("table.queue[data-refresh]");
  // Never reload under someone choosing a row or typing a filter.
  if (q) setTimeout(function () {
    var busy = document.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (sel < 0 && !busy) location.reload();
  }, 1000 * parseInt(q.getAttribute("data-refresh"), 10));
})();
