// The link graph page: a small force layout drawn in SVG (no library), nodes draggable,
// travellers clickable, link kinds filtered in place. Data come from the server-rendered
// `data-graph` attribute (the same JSON as GET /api/v1/travellers/{id}/links).
(function () {
  "use strict";
  var svg = document.getElementById("link-graph");
  if (!svg) return;
  var NS = "http://www.w3.org/2000/svg";
  var W = 960, H = 640;
  var g;
  try { g = JSON.parse(svg.getAttribute("data-graph") || "{}"); } catch (e) { return; }
  if (!g.nodes) return;

  var byId = {};
  g.nodes.forEach(function (n, i) {
    // Deterministic start: a circle by distance from the root, so the layout is stable.
    var ring = n.id === g.root ? 0 : (n.type === "traveller" ? (n.hops || 1) * 110 : 200);
    var a = (i * 2.399963) % (2 * Math.PI);
    n.x = W / 2 + ring * Math.cos(a); n.y = H / 2 + ring * Math.sin(a);
    n.vx = 0; n.vy = 0;
    byId[n.id] = n;
  });
  var edges = g.edges.filter(function (e) { return byId[e.from] && byId[e.to]; });
  var onPath = {};
  for (var i = 0; i + 1 < (g.path || []).length; i++) {
    onPath[g.path[i] + ">" + g.path[i + 1]] = true; onPath[g.path[i + 1] + ">" + g.path[i]] = true;
  }
  var pathNodes = {}; (g.path || []).forEach(function (id) { pathNodes[id] = true; });

  // Kinds shown: the filter checkboxes (all when none is checked).
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.kind"));
  function shownKinds() {
    var on = {}; var any = false;
    boxes.forEach(function (b) { if (b.checked) { on[b.value] = true; any = true; } });
    return any ? on : null;
  }
  function visible() {
    var kinds = shownKinds();
    var ve = edges.filter(function (e) { return !kinds || kinds[e.kind]; });
    var vn = {}; vn[g.root] = true;
    ve.forEach(function (e) { vn[e.from] = true; vn[e.to] = true; });
    return { edges: ve, nodes: vn };
  }

  function el(name, attrs, parent) {
    var x = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { x.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(x);
    return x;
  }
  var layerE = el("g", { "class": "edges" }, svg);
  var layerN = el("g", { "class": "nodes" }, svg);
  var lines = edges.map(function (e) {
    var cls = "edge edge-" + e.kind + (onPath[e.from + ">" + e.to] ? " on-path" : "");
    var l = el("line", { "class": cls }, layerE);
    var t = el("title", {}, l); t.textContent = e.kind.replace(/_/g, " ");
    return l;
  });
  var shapes = g.nodes.map(function (n) {
    var cls = "node node-" + n.type + " kind-" + n.kind + (n.hit ? " hit" : "") +
      (n.id === g.root ? " root" : "") + (n.hub ? " hub" : "") + (pathNodes[n.id] ? " on-path" : "");
    var grp = el("g", { "class": cls, "tabindex": n.type === "traveller" ? "0" : "-1" }, layerN);
    if (n.type === "traveller") el("circle", { r: n.id === g.root ? 11 : 8 }, grp);
    else if (n.type === "flight") el("rect", { x: -9, y: -6, width: 18, height: 12 }, grp);
    else el("rect", { x: -6, y: -6, width: 12, height: 12, transform: "rotate(45)" }, grp);
    var label = el("text", { x: 12, y: 4 }, grp);
    label.textContent = n.label + (n.hit ? " (" + n.hit + ")" : "") + (n.hub ? " (hub)" : "");
    var tip = el("title", {}, grp);
    tip.textContent = (n.type === "value" ? n.kind.replace(/_/g, " ") + ": " : "") + n.label;
    if (n.type === "traveller") {
      var open = function () { location.href = "/travellers/" + encodeURIComponent(n.id) + "/links" + location.search; };
      grp.addEventListener("dblclick", open);
      grp.addEventListener("keydown", function (ev) { if (ev.key === "Enter") open(); });
      grp.addEventListener("click", function (ev) { if (!moved) open(); ev.stopPropagation(); });
    }
    grp.addEventListener("mousedown", function (ev) { drag = n; moved = false; ev.preventDefault(); });
    return grp;
  });

  // Dragging.
  var drag = null, moved = false;
  function point(ev) {
    var r = svg.getBoundingClientRect();
    return { x: (ev.clientX - r.left) * W / r.width, y: (ev.clientY - r.top) * H / r.height };
  }
  svg.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var p = point(ev); drag.x = p.x; drag.y = p.y; drag.fixed = true; moved = true; heat = Math.max(heat, 0.3); kick();
  });
  window.addEventListener("mouseup", function () { drag = null; });

  // Forces: springs along edges, repulsion between nodes, a pull to the centre.
  var heat = 1, running = false;
  function step() {
    var v = visible();
    var nodes = g.nodes.filter(function (n) { return v.nodes[n.id]; });
    for (var a = 0; a < nodes.length; a++) {
      for (var b = a + 1; b < nodes.length; b++) {
        var p = nodes[a], q = nodes[b];
        var dx = p.x - q.x, dy = p.y - q.y, d2 = dx * dx + dy * dy + 0.01;
        if (d2 > 90000) continue;
        var f = 900 / d2;
        p.vx += dx * f; p.vy += dy * f; q.vx -= dx * f; q.vy -= dy * f;
      }
    }
    v.edges.forEach(function (e) {
      var p = byId[e.from], q = byId[e.to];
      var dx = q.x - p.x, dy = q.y - p.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01;
      var f = (d - 60) * 0.02 / d;
      p.vx += dx * f; p.vy += dy * f; q.vx -= dx * f; q.vy -= dy * f;
    });
    nodes.forEach(function (n) {
      n.vx += (W / 2 - n.x) * 0.002; n.vy += (H / 2 - n.y) * 0.002;
      if (n.fixed || n === drag) { n.vx = 0; n.vy = 0; return; }
      n.x = Math.max(12, Math.min(W - 12, n.x + n.vx * heat));
      n.y = Math.max(12, Math.min(H - 12, n.y + n.vy * heat));
      n.vx *= 0.6; n.vy *= 0.6;
    });
  }
  function draw() {
    var v = visible();
    edges.forEach(function (e, i) {
      var p = byId[e.from], q = byId[e.to], shown = v.edges.indexOf(e) >= 0;
      lines[i].setAttribute("x1", p.x.toFixed(1)); lines[i].setAttribute("y1", p.y.toFixed(1));
      lines[i].setAttribute("x2", q.x.toFixed(1)); lines[i].setAttribute("y2", q.y.toFixed(1));
      lines[i].setAttribute("visibility", shown ? "visible" : "hidden");
    });
    g.nodes.forEach(function (n, i) {
      shapes[i].setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")");
      shapes[i].setAttribute("visibility", v.nodes[n.id] ? "visible" : "hidden");
    });
  }
  function frame() {
    for (var k = 0; k < 3; k++) step();
    draw();
    heat *= 0.985;
    if (heat > 0.02 || drag) requestAnimationFrame(frame); else running = false;
  }
  function kick() { if (!running) { running = true; requestAnimationFrame(frame); } }
  // Settle most of the way before the first paint, then animate the rest.
  for (var s = 0; s < 150; s++) { step(); heat *= 0.99; }
  draw(); kick();

  // Filters: redraw at once; the form carries the checked kinds to the server on Apply.
  var field = document.getElementById("kinds-field");
  function sync() {
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (field) field.value = on.length === boxes.length ? "" : on.join(",");
  }
  boxes.forEach(function (b) { b.addEventListener("change", function () { sync(); heat = 0.5; kick(); }); });
  sync();
})();
