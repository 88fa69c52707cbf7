// lucidnet playground page. The server trains; this file only draws frames and sends controls.
// State lives in S; the configuration is mirrored in the URL hash so a link reproduces the run.
"use strict";

const $ = (sel) => document.querySelector(sel);
const NODE = 34, GAP = 8, COLW = 110, LEFT = 64, HEAD = 64;
const NEG = [245, 147, 34], MID = [232, 234, 235], POS = [8, 119, 189];
const PALETTE = [[245, 147, 34], [8, 119, 189], [76, 175, 80], [156, 39, 176], [233, 30, 99],
  [0, 150, 136], [121, 85, 72], [255, 193, 7], [96, 125, 139], [63, 81, 181]];
const CHOICES = {
  lr: [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10],
  l1: [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1],
  l2: [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1],
  dropout: [0, 0.1, 0.2, 0.3, 0.5],
  epochs_per_frame: [1, 2, 5, 10, 20, 50],
};
const URL_KEYS = ["dataset", "noise", "train_ratio", "n_points", "batch_size", "features", "layers", "activations",
  "output_activation", "loss", "optimizer", "lr", "l1", "l2", "dropout", "seed", "epochs_per_frame"];
const UPLOAD_KEYS = ["upload", "inputs", "x1", "x2", "target", "problem"];

const S = {
  options: null, config: null, sid: null, init: null, frame: null, playing: false, history: [],
  stream: null, pick: null, sample: { split: "train", index: 0 }, starting: false, again: false, upload: null,
};
window.lucidnetPlayground = S;  // for the end-to-end tests and the curious

// ---------------------------------------------------------------------------------------------- colours
const LUT = new Uint8ClampedArray(256 * 3);
for (let q = 0; q < 256; q++) {
  const t = q / 127.5 - 1, end = t < 0 ? NEG : POS, u = Math.abs(t);
  for (let c = 0; c < 3; c++) LUT[q * 3 + c] = MID[c] + (end[c] - MID[c]) * u;
}
// the big boundary plot uses paler colours so that the points stand out on it
const PALE = new Uint8ClampedArray(256 * 3);
for (let i = 0; i < PALE.length; i++) PALE[i] = LUT[i] + (255 - LUT[i]) * 0.3;
const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
function valueColour(t) {
  const q = Math.max(0, Math.min(255, Math.round((t + 1) * 127.5)));
  return `rgb(${LUT[q * 3]},${LUT[q * 3 + 1]},${LUT[q * 3 + 2]})`;
}
function decode(b64) {
  const s = atob(b64), a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return a;
}
function paint(canvas, b64, size, classesB64, lut = LUT) {
  canvas.width = size; canvas.height = size;
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(size, size), q = decode(b64);
  const cls = classesB64 ? decode(classesB64) : null;
  for (let i = 0; i < q.length; i++) {
    if (cls) {  // several classes: the winning class's colour, paler where the network is unsure
      const c = PALETTE[cls[i] % PALETTE.length], u = q[i] / 255;
      for (let k = 0; k < 3; k++) img.data[i * 4 + k] = 255 + (c[k] - 255) * u * 0.55;
    } else {
      for (let k = 0; k < 3; k++) img.data[i * 4 + k] = lut[q[i] * 3 + k];
    }
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// ---------------------------------------------------------------------------------------------- server
async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = body instanceof Blob ? body : JSON.stringify(body);
    init.headers["Content-Type"] = body instanceof Blob ? "text/csv" : "application/json";
  }
  let r;
  try { r = await fetch(path, init); } catch (e) { return { error: `the server does not answer (${e.message})` }; }
  let data;
  try { data = await r.json(); } catch (e) { data = { error: `HTTP ${r.status}` }; }
  if (!r.ok && !data.error) data.error = `HTTP ${r.status}`;
  return data;
}
function showError(msg) {
  const m = $("#message");
  m.textContent = msg || "";
  m.hidden = !msg;
}

// ---------------------------------------------------------------------------------------------- URL state
function configToHash(c) {
  const p = new URLSearchParams();
  for (const k of URL_KEYS.concat(c.dataset === "upload" ? UPLOAD_KEYS : [])) {
    const v = c[k];
    p.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  return "#" + p.toString();
}
function hashToConfig(hash, defaults) {
  const c = JSON.parse(JSON.stringify(defaults)), p = new URLSearchParams(hash.replace(/^#/, ""));
  for (const [k, v] of p) {
    if (!(k in defaults)) continue;
    if (k === "features" || k === "activations" || k === "inputs") c[k] = v ? v.split(",") : [];
    else if (k === "layers") c[k] = v ? v.split(",").map(Number) : [];
    else if (typeof defaults[k] === "number") c[k] = Number(v);
    else c[k] = v;
  }
  if (c.activations.length !== c.layers.length) {
    c.activations = c.layers.map((_, i) => c.activations[i] || c.activations[0] || "tanh");
  }
  return c;
}
function writeURL() { history.replaceState(null, "", configToHash(S.config)); }

// ---------------------------------------------------------------------------------------------- sessions
function problemOf(c) {
  if (c.dataset === "upload") return S.upload && S.init ? S.init.problem : (c.problem === "regression" ? "regression" : "classification");
  const d = S.options.datasets.find((x) => x.name === c.dataset);
  return d ? d.problem : "classification";
}
function change(patch) {
  Object.assign(S.config, patch);
  writeURL();
  renderControls();
  restart();
}
async function restart() {
  if (S.starting) { S.again = true; return; }
  S.starting = true;
  try {
    do {
      S.again = false;
      await startSession();
    } while (S.again);
  } finally { S.starting = false; }
}
async function startSession() {
  const body = {};
  for (const k of URL_KEYS) body[k] = S.config[k];
  if (S.config.dataset === "upload") for (const k of UPLOAD_KEYS) body[k] = S.config[k];
  if (S.sid) body.replace = S.sid;
  const r = await api("POST", "/api/train", body);
  if (r.error) {
    showError(r.error);
    if (r.error.startsWith("no upload") && S.config.dataset === "upload") {
      S.config.dataset = S.options.defaults.dataset;  // uploads live in the server's memory only
      writeURL(); renderControls(); S.again = true;
    }
    return;
  }
  showError("");
  closeStream();
  S.sid = r.session; S.init = r.init; S.history = []; S.frame = null;
  S.config = Object.assign(S.config, r.config);
  writeURL(); renderControls();
  buildNetwork(); drawPoints(); sampleInfo();
  onFrame(r.frame);
  openStream();
  $("#export-model").href = `/api/sessions/${S.sid}/model`;
  $("#export-best").href = `/api/sessions/${S.sid}/model?weights=best`;
  $("#export-toml").href = `/api/sessions/${S.sid}/config.toml`;
  if (S.playing) await control("play");
  if (S.pick) showTrace();
}
function openStream() {
  const es = new EventSource(`/api/sessions/${S.sid}/events`);
  es.onmessage = (e) => { if (S.stream === es) onFrame(JSON.parse(e.data)); };
  es.addEventListener("closed", (e) => {
    es.close();
    const reason = JSON.parse(e.data || "{}").reason;
    if (reason && S.stream === es) { showError(`This training ended: ${reason}. Press reset to start again.`); setPlaying(false); }
  });
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED && S.stream === es) {
      showError("the connection to the playground server was lost; reload the page");
      setPlaying(false);
    }
  };
  S.stream = es;
}
function closeStream() { if (S.stream) { S.stream.close(); S.stream = null; } }
async function control(cmd) {
  if (!S.sid) return;
  const r = await api("POST", `/api/sessions/${S.sid}/control`, { cmd });
  if (r.error && cmd === "reset" && r.error.startsWith("no session")) { S.sid = null; await restart(); return; }
  if (r.error) { showError(r.error); return; }
  if (cmd === "reset") S.history = [];
  if (cmd === "play" && r.playing === false) setPlaying(false);  // e.g. after a divergence: reset first
  if (r.frame) onFrame(r.frame);
}
function setPlaying(on) {
  S.playing = on;
  const b = $("#play");
  b.innerHTML = on ? "&#10074;&#10074;" : "&#9654;";
  b.setAttribute("aria-label", on ? "pause" : "play");
}

// ---------------------------------------------------------------------------------------------- frames
function fmt(x) { return x === null || x === undefined ? "–" : x.toFixed(3); }
function onFrame(f) {
  S.frame = f;
  const last = S.history[S.history.length - 1];
  if (last && f.epoch < last.epoch) S.history = [];
  if (!last || f.epoch !== last.epoch || S.history.length === 0) {
    S.history.push({ epoch: f.epoch, train: f.train_loss, test: f.test_loss });
  }
  $("#epoch").textContent = String(f.epoch).padStart(6, "0").replace(/(\d{3})(\d{3})$/, "$1,$2");
  $("#test-loss").textContent = fmt(f.test_loss);
  $("#test-loss").dataset.value = f.test_loss;
  $("#train-loss").textContent = fmt(f.train_loss);
  $("#acc-row").hidden = f.test_accuracy === null;
  if (f.test_accuracy !== null) {
    $("#test-acc").textContent = (100 * f.test_accuracy).toFixed(1) + "%";
    $("#train-acc").textContent = (100 * f.train_accuracy).toFixed(1) + "%";
  }
  $("#best-epoch").textContent = f.best_epoch ?? "–";
  $("#best-loss").textContent = fmt(f.best_test_loss);
  $("#export-best").classList.toggle("off", f.best_epoch === null);
  $("#export-best").textContent = f.best_epoch === null ? "Best epoch's model" : `Model of epoch ${f.best_epoch}`;
  if (f.error) { showError(f.error); setPlaying(false); }
  drawChart();
  drawBoundary();
  updateNetwork();
}
function drawChart() {
  const c = $("#chart"), ctx = c.getContext("2d"), w = c.width, h = c.height, H = S.history;
  ctx.clearRect(0, 0, w, h);
  if (!H.length) return;
  const max = Math.max(1e-9, ...H.map((p) => Math.max(p.train, p.test)));
  const x = (i) => (H.length === 1 ? 0 : (i / (H.length - 1)) * (w - 2)) + 1;
  const y = (v) => h - 2 - (v / max) * (h - 6);
  for (const [key, colour, width] of [["test", "#333", 2], ["train", "#999", 1.5]]) {
    ctx.beginPath(); ctx.strokeStyle = colour; ctx.lineWidth = width;
    H.forEach((p, i) => (i ? ctx.lineTo(x(i), y(p[key])) : ctx.moveTo(x(i), y(p[key]))));
    ctx.stroke();
  }
}
const offscreen = document.createElement("canvas");
function toCanvas(px, py) {
  const [x0, x1, y0, y1] = S.init.domain, c = $("#boundary");
  return [((px - x0) / (x1 - x0)) * c.width, ((y1 - py) / (y1 - y0)) * c.height];
}
function drawBoundary() {
  if (!S.frame || !S.init) return;
  const c = $("#boundary"), ctx = c.getContext("2d");
  paint(offscreen, S.frame.boundary, S.frame.grid, S.frame.boundary_class, PALE);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(offscreen, 0, 0, c.width, c.height);
  drawPoints(ctx);
}
function pointColour(v) {
  if (S.init.problem === "regression") return valueColour(v);
  if (S.init.classes.length > 2) return rgb(PALETTE[v % PALETTE.length]);
  return v ? rgb(POS) : rgb(NEG);
}
function drawPoints(ctx) {
  if (!ctx) { drawBoundary(); return; }
  const sets = [["train", "#fff"]];
  if ($("#show-test").checked) sets.push(["test", "#000"]);
  for (const [split, stroke] of sets) {
    for (const [px, py, v] of S.init[split]) {
      const [cx, cy] = toCanvas(px, py);
      ctx.beginPath(); ctx.arc(cx, cy, 3, 0, 2 * Math.PI);
      ctx.fillStyle = pointColour(v); ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = stroke; ctx.stroke();
    }
  }
  const s = S.init[S.sample.split][S.sample.index];
  if (s) {
    const [cx, cy] = toCanvas(s[0], s[1]);
    ctx.beginPath(); ctx.arc(cx, cy, 7, 0, 2 * Math.PI);
    ctx.lineWidth = 2; ctx.strokeStyle = "#000"; ctx.stroke();
  }
}

// ---------------------------------------------------------------------------------------------- network
function layerSizes() { return S.init.layer_sizes; }
function nodeXY(l, j) { return [LEFT + l * COLW, HEAD + j * (NODE + GAP)]; }
function buildNetwork() {
  const net = $("#network"), svg = $("#links");
  net.querySelectorAll(".node, .feature-label, .layer-head").forEach((e) => e.remove());
  svg.innerHTML = "";
  const sizes = layerSizes(), active = S.init.features.map((f) => f.name), all = S.init.feature_choices;
  const upload = S.init.upload;
  const rows = Math.max(all.length, ...sizes.slice(1));
  const width = LEFT + (sizes.length - 1) * COLW + NODE + 40, height = HEAD + rows * (NODE + GAP);
  net.style.width = width + "px"; net.style.height = height + "px";
  svg.setAttribute("width", width); svg.setAttribute("height", height);
  const h = S.config.layers.length;
  $("#n-layers").textContent = `${h} hidden layer${h === 1 ? "" : "s"}`;
  // built-in data: every feature is shown, the active ones feed the network, in registry order; an upload: its
  // inputs (one per category of a text column), chosen in the data column
  all.forEach((f, r) => {
    const [x, y] = nodeXY(0, r), on = active.includes(f.name), j = active.indexOf(f.name);
    const node = makeNode(x, y, on ? { l: 0, j } : null, upload ? `input-${r}` : "feature-" + f.name);
    node.classList.toggle("off", !on);
    node.title = upload ? `${f.label}: click to see its value for the chosen sample`
      : on ? `${f.label}: click to stop using it` : `${f.label}: click to use it`;
    node.addEventListener("click", (e) => {
      if (upload || (e.shiftKey && on)) { pick({ kind: "neuron", l: 0, j }); return; }
      const next = on ? active.filter((n) => n !== f.name) : all.map((g) => g.name).filter((n) => n === f.name || active.includes(n));
      if (next.length) change({ features: next });
    });
    if (S.init.feature_thumbs[f.name]) paint(node.firstChild, S.init.feature_thumbs[f.name], S.init.thumb_size);
    const label = document.createElement("div");
    label.className = "feature-label"; label.textContent = f.label; label.title = f.label;
    label.style.left = (x - 60) + "px"; label.style.top = (y + 9) + "px";
    net.appendChild(label);
  });
  for (let l = 1; l < sizes.length; l++) {
    for (let j = 0; j < sizes[l]; j++) {
      const [x, y] = nodeXY(l, j), node = makeNode(x, y, { l, j }, `neuron-${l}-${j}`);
      node.title = l === sizes.length - 1 ? `output ${j + 1}` : `layer ${l}, neuron ${j + 1}`;
      node.addEventListener("click", () => pick({ kind: "neuron", l, j }));
    }
    if (l < sizes.length - 1) layerHead(l);
  }
  // links: weights[l][i][j] joins neuron i of layer l to neuron j of layer l + 1
  for (let l = 0; l < sizes.length - 1; l++) {
    for (let i = 0; i < sizes[l]; i++) {
      const r = l === 0 ? all.findIndex((f) => f.name === active[i]) : i;
      for (let j = 0; j < sizes[l + 1]; j++) {
        const [x1, y1] = nodeXY(l, r), [x2, y2] = nodeXY(l + 1, j);
        const ax = x1 + NODE, ay = y1 + NODE / 2, bx = x2, by = y2 + NODE / 2, mx = (ax + bx) / 2;
        const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
        p.setAttribute("d", `M${ax},${ay} C${mx},${ay} ${mx},${by} ${bx},${by}`);
        p.dataset.l = l; p.dataset.i = i; p.dataset.j = j;
        p.addEventListener("click", () => pick({ kind: "link", l, i, j }));
        svg.appendChild(p);
      }
    }
  }
}
function makeNode(x, y, id, domId) {
  const node = document.createElement("div");
  node.className = "node"; node.id = domId;
  node.style.left = x + "px"; node.style.top = y + "px";
  node.appendChild(document.createElement("canvas"));
  if (id) { node.dataset.l = id.l; node.dataset.j = id.j; }
  $("#network").appendChild(node);
  return node;
}
function layerHead(l) {
  const head = document.createElement("div"), [x] = nodeXY(l, 0), k = l - 1;
  head.className = "layer-head";
  head.style.left = (x + NODE / 2 - 40) + "px"; head.style.top = "0px";
  const n = S.config.layers[k];
  head.innerHTML = `<div class="pm"><button class="round small" data-d="1" aria-label="add neuron">+</button>` +
    `<button class="round small" data-d="-1" aria-label="remove neuron">&minus;</button></div>` +
    `<span>${n} neuron${n === 1 ? "" : "s"}</span>`;
  const sel = document.createElement("select");
  sel.setAttribute("aria-label", `activation of layer ${l}`);
  for (const a of S.options.activations) sel.add(new Option(a, a));
  sel.value = S.config.activations[k];
  sel.addEventListener("change", () => {
    const acts = S.config.activations.slice(); acts[k] = sel.value; change({ activations: acts });
  });
  head.appendChild(sel);
  head.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => {
    const layers = S.config.layers.slice();
    layers[k] = Math.max(1, Math.min(S.options.limits.max_neurons, layers[k] + Number(b.dataset.d)));
    if (layers[k] !== S.config.layers[k]) change({ layers });
  }));
  $("#network").appendChild(head);
}
function updateNetwork() {
  const f = S.frame, sizes = layerSizes();
  for (let l = 1; l < sizes.length; l++) {
    const thumbs = l === sizes.length - 1 ? f.output_thumbs : f.thumbs[l - 1];
    for (let j = 0; j < sizes[l]; j++) {
      const node = document.getElementById(`neuron-${l}-${j}`);
      if (node && thumbs && thumbs[j]) paint(node.firstChild, thumbs[j], S.init.thumb_size);
    }
  }
  for (const p of $("#links").children) {  // width 0.5 + 1.1·min(|w|, 5) px, as in TensorFlow Playground
    const w = f.weights[p.dataset.l][p.dataset.i][p.dataset.j];
    p.setAttribute("stroke", w >= 0 ? rgb(POS) : rgb(NEG));
    p.setAttribute("stroke-width", (0.5 + 1.1 * Math.min(Math.abs(w), 5)).toFixed(2));
    p.setAttribute("stroke-opacity", "0.7");
  }
}

// ---------------------------------------------------------------------------------------------- trace
function pick(target) {
  S.pick = target;
  document.querySelectorAll(".picked").forEach((e) => e.classList.remove("picked"));
  if (target.kind === "neuron") {
    const input = S.init.upload ? `input-${target.j}` : `feature-${S.init.features[target.j].name}`;
    const id = target.l === 0 ? input : `neuron-${target.l}-${target.j}`;
    const el = document.getElementById(id);
    if (el) el.classList.add("picked");
  } else {
    const p = [...$("#links").children].find((e) => +e.dataset.l === target.l && +e.dataset.i === target.i && +e.dataset.j === target.j);
    if (p) p.classList.add("picked");
  }
  showTrace();
}
function at(a, ...idx) {
  let v = a;
  for (const i of idx) { if (v === undefined || v === null) return undefined; v = v[i]; }
  return v;
}
function num(v) { return typeof v === "number" ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(5)) : "–"; }
function traceLayer(t, k) {
  const layers = t.layers || [];
  return layers[k] || {};
}
async function showTrace() {
  if (!S.pick || !S.sid) return;
  const { split, index } = S.sample, p0 = S.pick;
  // weights are named as in the lessons: (ℓ, i, j) from 1, ℓ the Dense layer the link feeds
  const weight = p0.kind === "link" ? `&weight=${p0.l + 1},${p0.i + 1},${p0.j + 1}` : "";
  const r = await api("GET", `/api/sessions/${S.sid}/trace?split=${split}&index=${index}${weight}`);
  if (S.pick !== p0) return;  // another click came first
  const body = $("#trace-body");
  if (r.error) { body.innerHTML = `<p class="hint">${r.error}</p>`; return; }
  const t = r.trace, p = S.pick, rows = [];
  const sizes = layerSizes(), last = sizes.length - 1;
  if (p.kind === "neuron" && p.l === 0) {
    const label = S.init.features[p.j].label;
    rows.push(["input", label], ["value x", num(at(traceLayer(t, 0), "x", 0, p.j))]);
  } else if (p.kind === "neuron") {
    const L = traceLayer(t, p.l - 1);
    rows.push(["neuron", p.l === last ? `output ${p.j + 1}` : `layer ${p.l}, neuron ${p.j + 1}`]);
    rows.push(["net = x·W + b", num(at(L, "net", 0, p.j))], ["o = f(net)", num(at(L, "o", 0, p.j))],
      ["δ = ∂E/∂net", num(at(L, "delta", 0, p.j))], ["∂E/∂b", num(at(L, "grad_b", p.j))],
      ["Δb = −η·∂E/∂b", num(at(L, "update_b", p.j))]);
  } else {
    const L = traceLayer(t, p.l), w = at(L, "W", p.i, p.j), g = at(L, "grad_W", p.i, p.j);
    rows.push(["link", `${p.l === 0 ? "input " + (p.i + 1) : "layer " + p.l + " neuron " + (p.i + 1)} → ` +
      `${p.l + 1 === last ? "output " + (p.j + 1) : "layer " + (p.l + 1) + " neuron " + (p.j + 1)}`]);
    rows.push(["w", num(w)], ["x (input of the link)", num(at(L, "x", 0, p.i))],
      ["∂E/∂w = x·δ", num(g)], ["Δw = −η·∂E/∂w", num(at(L, "update_W", p.i, p.j))]);
  }
  rows.push(["E (this sample)", num(t.E)]);
  const esc = (x) => x.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const at_ = r.text.indexOf("Chain rule for");
  const chain = p.kind === "link" && at_ >= 0 ? `<pre class="chain">${esc(r.text.slice(at_))}</pre>` : "";
  body.innerHTML = "<table>" + rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join("") + "</table>" +
    chain + `<details><summary>The whole pass, written out</summary><pre>${esc(r.text)}</pre></details>`;
}
function sampleInfo() {
  const s = S.init && S.init[S.sample.split][S.sample.index];
  const row = S.init && S.init.rows ? `row ${S.init.rows[S.sample.split][S.sample.index]}: ` : "";
  $("#sample-info").textContent = s ? `${row}(${s[0].toFixed(2)}, ${s[1].toFixed(2)}) → ${S.init.problem === "regression" ? s[2].toFixed(2) : (S.init.classes[s[2]] ?? s[2])}` : "";
}
function chooseSample(split, index) {
  const n = S.init ? S.init[split].length : 0;
  S.sample = { split, index: Math.max(0, Math.min(n - 1, index | 0)) };
  $("#split").value = split; $("#sample-index").value = S.sample.index;
  sampleInfo(); drawBoundary(); showTrace();
}

// ---------------------------------------------------------------------------------------------- controls
function fillSelect(sel, values, fmtf = String) {
  sel.innerHTML = "";
  for (const v of values) sel.add(new Option(fmtf(v), String(v)));
}
function renderControls() {
  const c = S.config, problem = problemOf(c);
  for (const k of ["lr", "l1", "l2", "dropout", "epochs_per_frame"]) {
    const sel = $("#" + k);
    if (![...sel.options].some((o) => Number(o.value) === c[k])) sel.add(new Option(String(c[k]), String(c[k])));
    sel.value = [...sel.options].find((o) => Number(o.value) === c[k]).value;
  }
  $("#optimizer").value = c.optimizer;
  const losses = ["auto", ...S.options.losses[problem]];
  const auto = S.init && c.loss === "auto" ? S.init.loss : S.options.auto_loss[problem];
  fillSelect($("#loss"), losses, (v) => (v === "auto" ? `auto (${auto})` : v));
  $("#loss").value = losses.includes(c.loss) ? c.loss : "auto";
  const same = c.activations.every((a) => a === c.activations[0]);
  $("#activation-all").value = same && c.activations.length ? c.activations[0] : "";
  $("#seed").value = c.seed;
  for (const k of ["train_ratio", "noise", "n_points", "batch_size"]) {
    $("#" + k).value = c[k];
    $(`#${k}-v`).textContent = k === "train_ratio" ? `${c[k]}%` : c[k];
  }
  document.querySelectorAll("#datasets button").forEach((b) => b.classList.toggle("selected", b.dataset.name === c.dataset));
  const uploaded = c.dataset === "upload";
  $("#upload-form").hidden = !(S.upload && uploaded);
  $("#generator").hidden = uploaded;  // an upload's points are its rows: no noise, no number of points
  $("#feature-hint").textContent = uploaded ? "Choose the inputs under Data." : "Click a feature to use it or not.";
  if (S.upload && uploaded) renderUpload(c);
  const ax = S.init && S.init.axes ? S.init.axes : ["x₁", "x₂"];
  $("#axis-x").textContent = ax[0]; $("#axis-y").textContent = ax[1];
  legend();
}
function renderUpload(c) {
  const up = S.upload, esc = (x) => String(x).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  fillSelect($("#target"), up.columns);
  $("#target").value = c.target;
  $("#problem").value = c.problem;
  const box = $("#input-columns");
  box.innerHTML = "";
  for (const name of up.columns.filter((n) => n !== c.target)) {
    const label = document.createElement("label"), cb = document.createElement("input");
    cb.type = "checkbox"; cb.value = name; cb.checked = c.inputs.includes(name);
    cb.addEventListener("change", () => {
      const inputs = up.columns.filter((n) => n === name ? cb.checked : S.config.inputs.includes(n));
      change(uploadChoice({ inputs }));
    });
    label.appendChild(cb);
    label.insertAdjacentHTML("beforeend", ` ${esc(name)}${up.kinds[name] === "text" ? " <span>(text)</span>" : ""}` +
      `${name === up.id ? " <span>(looks like an ID)</span>" : ""}`);
    box.appendChild(label);
  }
  const numeric = c.inputs.filter((n) => up.numeric.includes(n));
  for (const k of ["x1", "x2"]) { fillSelect($("#" + k), numeric); $("#" + k).value = c[k]; }
  $("#held-hint").hidden = c.inputs.length <= 2;
  const notes = up.notes.concat(S.init && S.init.upload ? S.init.notes : []);
  $("#upload-notes").innerHTML = notes.map((n) => `<li>${esc(n)}</li>`).join("");
}
// the upload's inputs without the target, and x₁, x₂ two different numeric inputs (kept where they still are)
function uploadChoice(patch) {
  const c = Object.assign({}, S.config, patch), up = S.upload;
  const inputs = up.columns.filter((n) => n !== c.target && c.inputs.includes(n));
  const numeric = inputs.filter((n) => up.numeric.includes(n));
  const x1 = numeric.includes(c.x1) ? c.x1 : numeric.find((n) => n !== c.x2) || "";
  const x2 = numeric.includes(c.x2) && c.x2 !== x1 ? c.x2 : numeric.find((n) => n !== x1) || "";
  return Object.assign(patch, { inputs, x1, x2 });
}
function legend() {
  const box = $("#legend-items"), esc = (x) => String(x).replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const sw = (c) => `<span class="swatch" style="background:${c}"></span>`;
  if (!S.init) { box.innerHTML = ""; return; }
  const cls = S.init.classes;
  if (S.init.problem === "regression") {
    box.innerHTML = `<span id="legend-neg">low</span><span class="bar"></span><span id="legend-pos">high</span>`;
  } else if (cls.length === 2) {
    box.innerHTML = `${sw(rgb(NEG))}<span id="legend-neg">${esc(cls[0])}</span><span class="bar"></span>` +
      `${sw(rgb(POS))}<span id="legend-pos">${esc(cls[1])}</span>`;
  } else {
    box.innerHTML = cls.map((c, k) => `${sw(rgb(PALETTE[k % PALETTE.length]))}<span>${esc(c)}</span>`).join(" ");
  }
}
function datasetButtons() {
  const box = $("#datasets");
  for (const [problem, title] of [["classification", "Classification"], ["regression", "Regression"]]) {
    const h = document.createElement("h4"); h.textContent = title; box.appendChild(h);
    for (const d of S.options.datasets.filter((x) => x.problem === problem)) {
      const b = document.createElement("button");
      b.dataset.name = d.name; b.id = "dataset-" + d.name; b.title = d.label;
      const cv = document.createElement("canvas"); cv.width = 52; cv.height = 52;
      b.appendChild(cv); b.appendChild(document.createTextNode(d.label));
      b.addEventListener("click", () => change({ dataset: d.name, loss: "auto" }));
      box.appendChild(b);
      drawPreview(cv, S.options.previews[d.name], problem);
    }
  }
}
function drawPreview(cv, pts, problem) {
  const ctx = cv.getContext("2d"), m = Math.max(...pts.map((p) => Math.max(Math.abs(p[0]), Math.abs(p[1])))) * 1.1 || 1;
  ctx.fillStyle = "#f7f7f7"; ctx.fillRect(0, 0, 52, 52);
  for (const [x, y, v] of pts) {
    ctx.fillStyle = problem === "regression" ? valueColour(v) : v ? rgb(POS) : rgb(NEG);
    ctx.fillRect(26 + (x / m) * 25 - 1, 26 - (y / m) * 25 - 1, 2.5, 2.5);
  }
}
function wire() {
  const numeric = (id, key, parse = Number) => $("#" + id).addEventListener("change", (e) => change({ [key]: parse(e.target.value) }));
  for (const k of ["lr", "l1", "l2", "dropout", "epochs_per_frame", "train_ratio", "noise", "n_points", "batch_size"]) numeric(k, k);
  for (const k of ["train_ratio", "noise", "n_points", "batch_size"]) {
    $("#" + k).addEventListener("input", (e) => { $(`#${k}-v`).textContent = e.target.value + (k === "train_ratio" ? "%" : ""); });
  }
  $("#optimizer").addEventListener("change", (e) => change({ optimizer: e.target.value }));
  $("#loss").addEventListener("change", (e) => change({ loss: e.target.value }));
  $("#activation-all").addEventListener("change", (e) => change({ activations: S.config.layers.map(() => e.target.value) }));
  $("#seed").addEventListener("change", (e) => change({ seed: Math.max(0, Math.floor(Number(e.target.value) || 0)) }));
  $("#reseed").addEventListener("click", () => change({ seed: Math.floor(Math.random() * 1e6) }));
  $("#play").addEventListener("click", () => { setPlaying(!S.playing); control(S.playing ? "play" : "pause"); });
  $("#step").addEventListener("click", () => { setPlaying(false); control("step"); });
  $("#reset").addEventListener("click", () => { setPlaying(false); control("reset"); });
  $("#add-layer").addEventListener("click", () => {
    const c = S.config;
    if (c.layers.length >= S.options.limits.max_layers) return;
    change({ layers: [...c.layers, c.layers.length ? c.layers[c.layers.length - 1] : 4],
      activations: [...c.activations, c.activations.length ? c.activations[c.activations.length - 1] : "tanh"] });
  });
  $("#remove-layer").addEventListener("click", () => {
    if (S.config.layers.length) change({ layers: S.config.layers.slice(0, -1), activations: S.config.activations.slice(0, -1) });
  });
  $("#show-test").addEventListener("change", drawBoundary);
  $("#copy-link").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(location.href); $("#copy-link").textContent = "Link copied"; } catch (e) { prompt("Copy this link", location.href); }
    setTimeout(() => { $("#copy-link").textContent = "Copy link"; }, 1500);
  });
  $("#split").addEventListener("change", (e) => chooseSample(e.target.value, S.sample.index));
  $("#sample-index").addEventListener("change", (e) => chooseSample(S.sample.split, Number(e.target.value)));
  $("#boundary").addEventListener("click", (e) => {
    if (!S.init) return;
    const r = e.target.getBoundingClientRect(), c = $("#boundary");
    const mx = ((e.clientX - r.left) / r.width) * c.width, my = ((e.clientY - r.top) / r.height) * c.height;
    let best = null;
    for (const split of $("#show-test").checked ? ["train", "test"] : ["train"]) {
      S.init[split].forEach((p, i) => {
        const [cx, cy] = toCanvas(p[0], p[1]), d = (cx - mx) ** 2 + (cy - my) ** 2;
        if (!best || d < best.d) best = { d, split, i };
      });
    }
    if (best) chooseSample(best.split, best.i);
  });
  $("#upload").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const r = await api("POST", `/api/upload?filename=${encodeURIComponent(file.name)}`, file);
    e.target.value = "";
    if (r.error) { showError(r.error); return; }
    S.upload = r;
    $("#upload-name").textContent = `${r.filename}: ${r.n_rows} rows`;
    const s = r.suggested;
    change({ dataset: "upload", upload: r.upload, inputs: s.inputs, x1: s.x1, x2: s.x2, target: s.target,
      problem: "auto", loss: "auto" });
  });
  $("#target").addEventListener("change", (e) => change(uploadChoice({ target: e.target.value, loss: "auto" })));
  $("#problem").addEventListener("change", (e) => change({ problem: e.target.value, loss: "auto" }));
  for (const k of ["x1", "x2"]) {
    $("#" + k).addEventListener("change", (e) => {
      const other = k === "x1" ? "x2" : "x1", patch = { [k]: e.target.value };
      if (S.config[other] === e.target.value) patch[other] = S.config[k];  // choosing the other axis swaps them
      change(patch);
    });
  }
  window.addEventListener("pagehide", () => { if (S.sid) navigator.sendBeacon(`/api/sessions/${S.sid}/close`); });
  window.addEventListener("hashchange", () => {
    if (location.hash !== configToHash(S.config)) { S.config = hashToConfig(location.hash, S.options.defaults); renderControls(); restart(); }
  });
}

async function main() {
  const o = await api("GET", "/api/options");
  if (o.error) { showError(o.error); return; }
  S.options = o;
  fillSelect($("#lr"), CHOICES.lr);
  for (const k of ["l1", "l2", "dropout", "epochs_per_frame"]) fillSelect($("#" + k), CHOICES[k], k === "epochs_per_frame" ? (v) => `${v}×` : String);
  fillSelect($("#optimizer"), o.optimizers);
  fillSelect($("#activation-all"), ["", ...o.activations], (v) => v || "(per layer)");
  $("#n_points").max = Math.min(o.limits.max_points, 2000);
  datasetButtons();
  S.config = hashToConfig(location.hash, o.defaults);
  renderControls();
  wire();
  await restart();
}
main();
