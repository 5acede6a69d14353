// The step-through page: reads the trace embedded as JSON, draws the graph
// in layers (inputs above, the output below) and replays the forward pass,
// then every backward message. Step 0 is the start; `#step=N` opens step N.
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("trace-data").textContent);
  var F = T.forward.length;
  var M = T.messages.length;
  var hasSeed = T.seed !== null;
  var LAST = F + (hasSeed ? 1 + M : 0);
  var BOX_W = 186, BOX_H = 50, COL_W = 206, ROW_H = 84, PAD = 14;
  var byId = {};
  T.nodes.forEach(function (n) { byId[n.id] = n; });

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function cut(s, n) {
    s = String(s);
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }
  function $(id) { return document.getElementById(id); }

  // ---- layout: layers top to bottom, centred; a layer wider than WRAP
  // nodes wraps onto several rows, so big graphs grow down, not sideways ----
  var WRAP = 8;
  var layers = [];
  T.nodes.forEach(function (n) { (layers[n.layer] = layers[n.layer] || []).push(n); });
  var widest = 0;
  layers.forEach(function (l) { if (l) widest = Math.max(widest, Math.min(l.length, WRAP)); });
  var rowCount = 0;
  layers.forEach(function (l) {
    if (!l) return;
    for (var start = 0; start < l.length; start += WRAP) {
      var chunk = l.slice(start, start + WRAP);
      var offset = (widest - chunk.length) * COL_W / 2;
      chunk.forEach(function (n, i) { n.x = PAD + offset + i * COL_W; n.y = PAD + rowCount * ROW_H; });
      rowCount++;
    }
  });
  var width = 2 * PAD + widest * COL_W, height = 2 * PAD + rowCount * ROW_H;

  // ---- draw the graph once; steps only change classes and texts ----
  var parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '">'];
  T.nodes.forEach(function (n) {
    n.inputs.forEach(function (p, i) {
      var a = byId[p];
      var x1 = a.x + BOX_W / 2, y1 = a.y + BOX_H;
      var x2 = n.x + BOX_W / 2 + (i - (n.inputs.length - 1) / 2) * 30, y2 = n.y;
      var my = (y1 + y2) / 2;
      parts.push('<path class="edge" id="edge-' + n.id + '-' + i + '" d="M' + x1 + ',' + y1 +
        ' C' + x1 + ',' + my + ' ' + x2 + ',' + my + ' ' + x2 + ',' + y2 + '"></path>');
    });
  });
  T.nodes.forEach(function (n) {
    var cls = "node" + (n.op === "variable" ? " variable" : n.op === "constant" ? " constant" : "") +
      (n.id === T.output ? " output" : "");
    parts.push('<g class="' + cls + '" id="node-' + n.id + '" data-id="' + n.id + '" transform="translate(' + n.x + ',' + n.y + ')">' +
      '<title>' + esc(n.name + " = " + n.op + " " + n.shape + "\nrecorded at " + n.location) + '</title>' +
      '<rect width="' + BOX_W + '" height="' + BOX_H + '"></rect>' +
      '<text class="title" x="6" y="14">' + esc(cut(n.name + " = " + n.op + " " + n.shape, 26)) + '</text>' +
      '<text class="val" id="val-' + n.id + '" x="6" y="29"></text>' +
      '<text class="grad" id="grad-' + n.id + '" x="6" y="44"></text></g>');
  });
  parts.push("</svg>");
  $("graph").innerHTML = parts.join("");

  var rows = T.nodes.map(function (n) {
    return '<tr id="row-' + n.id + '"><td>' + esc(n.name) + '</td><td>' + esc(n.op) + '</td><td>' + esc(n.shape) +
      '</td><td class="num" id="value-' + n.id + '"></td><td class="num" id="gradcell-' + n.id + '"></td><td class="loc">' +
      esc(n.location) + '</td></tr>';
  });
  document.querySelector("#nodes tbody").innerHTML = rows.join("");

  var nodeEls = {}, rowEls = {};
  T.nodes.forEach(function (n) { nodeEls[n.id] = $("node-" + n.id); rowEls[n.id] = $("row-" + n.id); });
  var lit = [];

  // ---- one step ----
  var step = 0;
  function render(s) {
    step = Math.max(0, Math.min(LAST, s | 0));
    var computed = Math.min(step, F);
    var shown = {};
    for (var k = 0; k < computed; k++) shown[T.forward[k].node] = true;
    var grads = {};
    if (hasSeed && step > F) grads[T.output] = { s: T.seed_short, l: T.seed };
    var sent = hasSeed ? Math.max(0, step - F - 1) : 0;
    for (var j = 0; j < sent; j++) {
      var mm = T.messages[j];
      grads[mm.to] = { s: mm.total_short, l: mm.total };
    }
    T.nodes.forEach(function (n) {
      var g = grads[n.id];
      var el = nodeEls[n.id];
      el.classList.remove("current", "sender", "receiver");
      el.classList.toggle("pending", !shown[n.id]);
      rowEls[n.id].className = "";
      $("val-" + n.id).textContent = shown[n.id] ? cut("= " + n.value_short, 26) : "";
      $("grad-" + n.id).textContent = g ? cut("\u2207 " + g.s, 26) : "";
      $("value-" + n.id).textContent = shown[n.id] ? n.value : "";
      $("gradcell-" + n.id).textContent = g ? g.l : "";
    });
    lit.forEach(function (e) { e.classList.remove("active", "forward-active"); });
    lit = [];
    var info = $("step-info"), focus = null;
    ["data-node", "data-from", "data-to", "data-input", "data-message"].forEach(function (a) { info.removeAttribute(a); });
    info.setAttribute("data-step", step);
    if (step === 0) {
      info.setAttribute("data-kind", "start");
      info.textContent = "Start: " + T.nodes.length + " nodes (" + T.dtype + "). " + F + " forward steps" +
        (hasSeed ? ", then " + M + " backward messages." : " (no backward pass recorded).") + " Press \u2192 to step.";
    } else if (step <= F) {
      var f = T.forward[step - 1], n = byId[f.node];
      focus = f.node;
      info.setAttribute("data-kind", "forward");
      info.setAttribute("data-node", f.node);
      info.textContent = "Forward step " + step + " of " + F + ": " + f.formula + "\nvalue " + n.shape + " = " + n.value;
      nodeEls[f.node].classList.add("current");
      rowEls[f.node].className = "current";
      n.inputs.forEach(function (p, i) { var e = $("edge-" + n.id + "-" + i); e.classList.add("forward-active"); lit.push(e); });
    } else if (step === F + 1) {
      focus = T.output;
      info.setAttribute("data-kind", "seed");
      info.setAttribute("data-node", T.output);
      info.textContent = "Backward pass starts: " + byId[T.output].name + " receives the seed message " + T.seed +
        " (d " + byId[T.output].name + " / d " + byId[T.output].name + ").";
      nodeEls[T.output].classList.add("receiver");
      rowEls[T.output].className = "receiver";
    } else {
      var k2 = step - F - 2, m = T.messages[k2], from = byId[m.from], to = byId[m.to];
      focus = m.to;
      info.setAttribute("data-kind", "message");
      info.setAttribute("data-from", m.from);
      info.setAttribute("data-to", m.to);
      info.setAttribute("data-input", m.input);
      info.setAttribute("data-message", k2 + 1);
      info.textContent = "Message " + (k2 + 1) + " of " + M + ": " + from.name + " --" + m.op + "--> " + to.name +
        " (input " + m.input + ")\nmessage " + to.shape + " = " + m.value + "\n" + to.name + "'s sum so far = " + m.total;
      nodeEls[m.from].classList.add("sender");
      nodeEls[m.to].classList.add("receiver");
      rowEls[m.from].className = "sender";
      rowEls[m.to].className = "receiver";
      var e = $("edge-" + m.from + "-" + m.input);
      e.classList.add("active");
      lit.push(e);
    }
    $("counter").textContent = "step " + step + " / " + LAST;
    $("slider").value = step;
    if (focus !== null) {
      nodeEls[focus].scrollIntoView({ block: "nearest", inline: "nearest" });
      rowEls[focus].scrollIntoView({ block: "nearest" });
    }
    var hash = "#step=" + step;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  // ---- controls ----
  var timer = null;
  function stop() { if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; } }
  function go(s) { render(s); }
  $("slider").max = LAST;
  $("first").onclick = function () { stop(); go(0); };
  $("prev").onclick = function () { stop(); go(step - 1); };
  $("next").onclick = function () { stop(); go(step + 1); };
  $("last").onclick = function () { stop(); go(LAST); };
  $("slider").oninput = function () { stop(); go(+this.value); };
  $("play").onclick = function () {
    if (timer) { stop(); return; }
    if (step >= LAST) go(0);
    $("play").textContent = "pause";
    timer = setInterval(function () { if (step >= LAST) stop(); else go(step + 1); }, 700);
  };
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.id === "slider") return;
    var k = ev.key;
    if (k === "ArrowRight") { stop(); go(step + 1); }
    else if (k === "ArrowLeft") { stop(); go(step - 1); }
    else if (k === "Home") { stop(); go(0); }
    else if (k === "End") { stop(); go(LAST); }
    else if (k === " ") { $("play").onclick(); }
    else return;
    ev.preventDefault();
  });
  function fromHash() {
    var m = /step=(\d+)/.exec(location.hash);
    return m ? parseInt(m[1], 10) : 0;
  }
  window.addEventListener("hashchange", function () { if (fromHash() !== step) go(fromHash()); });
  render(fromHash());
})();
