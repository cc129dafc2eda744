// Lesson 11's explorer page, its script: unpacks the data that given_explorer.cpp put into the
// page, runs the VAE's decoder (the same Dense layers and activations as the C++ model), draws the
// t-SNE map, the latent plane and the arithmetic path, and answers the mouse. given_explorer.cpp
// inlines it into explorer.html.in (no external script). #selftest: see tests/explorer_11.cpp.
"use strict";
const SIDE = 28, PIXELS = SIDE * SIDE, STEPS = 9;
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                 "#ff9da7", "#9c755f", "#bab0ac"];
const colour = (c) => c < PALETTE.length ? PALETTE[c] : `hsl(${(c * 47) % 360}, 60%, 50%)`;

// ---- Unpacking: base64 -> inflate (inflate.js) -> typed arrays, all before the first paint ----
function unpack(b64, size) {
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; ++i) bytes[i] = bin.charCodeAt(i);
  return INFLATE(bytes, size);
}
// float32 stored byte plane by byte plane (given_explorer.cpp: floats_blob).
function floats(b64, count) {
  const planes = unpack(b64, 4 * count), bytes = new Uint8Array(4 * count);
  for (let k = 0; k < 4; ++k)
    for (let i = 0, p = k * count; i < count; ++i) bytes[4 * i + k] = planes[p + i];
  return new Float32Array(bytes.buffer);
}

function load() {
  const raw = JSON.parse(document.getElementById("explorer-data").textContent), n = raw.n;
  const d = { n, classes: raw.classes, grey: 255 / (raw.levels - 1), labels: unpack(raw.labels, n), map: floats(raw.map, 2 * n),
              codes: floats(raw.codes, 2 * n), images: unpack(raw.images, n * PIXELS) };
  d.models = raw.models.map((m) => ({ name: m.name, images: unpack(m.images, n * PIXELS) }));
  d.layers = raw.decoder.map((l) => ({ ...l, W: floats(l.W, l.in * l.out), b: floats(l.b, l.out),
                                       y: new Float32Array(l.out) }));
  return d;
}

// ---- The decoder: the same Dense layers and activations as the C++ model ----
const ACTIVATIONS = {
  linear: () => {},
  relu: (y) => { for (let j = 0; j < y.length; ++j) if (y[j] < 0) y[j] = 0; },
  leaky_relu: (y, a) => { for (let j = 0; j < y.length; ++j) if (y[j] < 0) y[j] *= a; },
  elu: (y, a) => { for (let j = 0; j < y.length; ++j) if (y[j] < 0) y[j] = a * Math.expm1(y[j]); },
  sigmoid: (y) => { for (let j = 0; j < y.length; ++j) y[j] = 1 / (1 + Math.exp(-y[j])); },
  tanh: (y) => { for (let j = 0; j < y.length; ++j) y[j] = Math.tanh(y[j]); },
};
// z: 2 numbers -> 784 pixels in [0, 1], in the last layer's buffer (the next call overwrites it).
function decode(layers, z) {
  let x = z;
  for (const L of layers) {
    const y = L.y, W = L.W, out = L.out;
    y.set(L.b);
    for (let i = 0; i < L.in; ++i) {
      const xi = x[i];
      if (xi === 0) continue;  // half of a ReLU layer's outputs
      for (let j = 0, r = i * out; j < out; ++j) y[j] += xi * W[r + j];
    }
    ACTIVATIONS[L.act](y, L.param);
    x = y;
  }
  return x;
}

// ---- Drawing ----
function setupCanvas(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr), canvas.height = Math.round(h * dpr);
  canvas.style.width = w + "px", canvas.style.height = h + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
const tile = document.createElement("canvas");
tile.width = tile.height = SIDE;
const tileCtx = tile.getContext("2d"), tileData = tileCtx.createImageData(SIDE, SIDE);
// pixels: 784 values, scale: 255 for [0, 1], d.grey for grey levels
function drawImage(ctx, pixels, scale, x, y, size) {
  for (let i = 0; i < PIXELS; ++i) {
    const v = pixels[i] * scale;
    tileData.data[4 * i] = tileData.data[4 * i + 1] = tileData.data[4 * i + 2] = v;
    tileData.data[4 * i + 3] = 255;
  }
  tileCtx.putImageData(tileData, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, x, y, size, size);
}
// A view from data coordinates (x, y) to a square canvas of `size` px, equal scales.
function fitView(xy, size, margin) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]), x1 = Math.max(x1, xy[i]);
    y0 = Math.min(y0, xy[i + 1]), y1 = Math.max(y1, xy[i + 1]);
  }
  const s = (size - 2 * margin) / Math.max(x1 - x0, y1 - y0, 1e-6);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { toPx: (x, y) => [size / 2 + (x - cx) * s, size / 2 - (y - cy) * s],
           fromPx: (px, py) => [cx + (px - size / 2) / s, cy - (py - size / 2) / s] };
}
function drawPoints(ctx, d, xy, view, r, alpha) {
  ctx.globalAlpha = alpha;
  for (let i = 0; i < d.n; ++i) {
    const [px, py] = view.toPx(xy[2 * i], xy[2 * i + 1]);
    ctx.fillStyle = colour(d.labels[i]);
    ctx.beginPath(), ctx.arc(px, py, r, 0, 2 * Math.PI), ctx.fill();
  }
  ctx.globalAlpha = 1;
}
function ring(ctx, px, py, r, style) {
  ctx.strokeStyle = style, ctx.lineWidth = 2;
  ctx.beginPath(), ctx.arc(px, py, r, 0, 2 * Math.PI), ctx.stroke();
}
const mouse = (e, canvas) => {
  const box = canvas.getBoundingClientRect();
  return [e.clientX - box.left, e.clientY - box.top];
};

// ---- The page: state, views, events ----
const MAP = 520, LATENT = 340, BIG = 150, THUMB = 96, CELL = 84;
const state = { hover: -1, pinned: -1, z: [0, 0], from: 0, to: 0, decodeMs: NaN };

function nearest(xy, view, px, py, within) {
  let best = -1, bestD = within * within;
  for (let i = 0; i < xy.length / 2; ++i) {
    const [x, y] = view.toPx(xy[2 * i], xy[2 * i + 1]);
    const dd = (x - px) ** 2 + (y - py) ** 2;
    if (dd < bestD) best = i, bestD = dd;
  }
  return best;
}

function classMean(d, c) {
  let x = 0, y = 0, k = 0;
  for (let i = 0; i < d.n; ++i)
    if (d.labels[i] === c) x += d.codes[2 * i], y += d.codes[2 * i + 1], ++k;
  return k ? [x / k, y / k] : [0, 0];
}

function makeApp(d) {
  const mapView = fitView(d.map, MAP, 12), latentView = fitView(d.codes, LATENT, 16);
  const el = (id) => document.getElementById(id);
  const mapCtx = setupCanvas(el("map"), MAP, MAP), latentCtx = setupCanvas(el("latent"), LATENT, LATENT);
  const decodedCtx = setupCanvas(el("decoded"), BIG, BIG);
  const inspectCtx = setupCanvas(el("inspect"), (d.models.length + 1) * (THUMB + 8), THUMB + 20);
  const pathCtx = setupCanvas(el("path"), STEPS * (CELL + 6) + 130, 2 * CELL + 12);
  const mapBase = document.createElement("canvas");
  drawPoints(setupCanvas(mapBase, MAP, MAP), d, d.map, mapView, 2.2, 0.75);

  el("legend").innerHTML = "";
  d.classes.forEach((name, c) => {
    const s = document.createElement("span");
    s.textContent = name, s.style.setProperty("--c", colour(c));
    el("legend").appendChild(s);
    for (const id of ["from", "to"]) el(id).add(new Option(name, c));
  });

  function drawMap() {
    mapCtx.clearRect(0, 0, MAP, MAP);
    mapCtx.drawImage(mapBase, 0, 0, MAP, MAP);
    if (state.pinned >= 0) ring(mapCtx, ...mapView.toPx(d.map[2 * state.pinned], d.map[2 * state.pinned + 1]), 7, "#000");
    if (state.hover >= 0) ring(mapCtx, ...mapView.toPx(d.map[2 * state.hover], d.map[2 * state.hover + 1]), 6, "#d00");
  }
  function drawInspector() {
    const i = state.hover >= 0 ? state.hover : state.pinned;
    inspectCtx.clearRect(0, 0, inspectCtx.canvas.width, inspectCtx.canvas.height);
    if (i < 0) return void (el("inspect-title").textContent = "Hover over a point of the map");
    el("inspect-title").textContent = `${state.hover >= 0 ? "Under the mouse" : "Pinned"}: test image ${i}, ` +
      `${d.classes[d.labels[i]]}, VAE code (${d.codes[2 * i].toFixed(2)}, ${d.codes[2 * i + 1].toFixed(2)})`;
    const rows = [["image", d.images], ...d.models.map((m) => [m.name, m.images])];
    inspectCtx.fillStyle = "#222", inspectCtx.font = "12px system-ui";
    rows.forEach(([name, images], k) => {
      drawImage(inspectCtx, images.subarray(i * PIXELS, (i + 1) * PIXELS), d.grey, k * (THUMB + 8), 0, THUMB);
      inspectCtx.fillText(name, k * (THUMB + 8), THUMB + 14);
    });
  }
  function drawLatent() {
    latentCtx.clearRect(0, 0, LATENT, LATENT);
    const [ox, oy] = latentView.toPx(0, 0);
    latentCtx.strokeStyle = "#ccc", latentCtx.lineWidth = 1;
    latentCtx.beginPath(), latentCtx.moveTo(ox, 0), latentCtx.lineTo(ox, LATENT);
    latentCtx.moveTo(0, oy), latentCtx.lineTo(LATENT, oy), latentCtx.stroke();
    drawPoints(latentCtx, d, d.codes, latentView, 1.5, 0.5);
    const a = latentView.toPx(...classMean(d, state.from)), b = latentView.toPx(...classMean(d, state.to));
    latentCtx.strokeStyle = "#000", latentCtx.lineWidth = 2;
    latentCtx.beginPath(), latentCtx.moveTo(...a), latentCtx.lineTo(...b), latentCtx.stroke();
    const i = state.hover >= 0 ? state.hover : state.pinned;
    if (i >= 0) ring(latentCtx, ...latentView.toPx(d.codes[2 * i], d.codes[2 * i + 1]), 6, "#d00");
    const [zx, zy] = latentView.toPx(...state.z);
    latentCtx.strokeStyle = "#000", latentCtx.lineWidth = 1;
    latentCtx.strokeRect(zx - 5, zy - 5, 10, 10);
  }
  function drawDecoded() {
    const t0 = performance.now();
    const pixels = decode(d.layers, state.z);
    const ms = performance.now() - t0;
    drawImage(decodedCtx, pixels, 255, 0, 0, BIG);
    el("code").textContent = `z = (${state.z[0].toFixed(2)}, ${state.z[1].toFixed(2)}), decoded in ${ms.toFixed(2)} ms`;
  }
  function drawPath() {
    const w = pathCtx.canvas.width, h = pathCtx.canvas.height;
    pathCtx.clearRect(0, 0, w, h);
    const a = classMean(d, state.from), b = classMean(d, state.to);
    const rows = [["means", a]];
    if (state.pinned >= 0) rows.push([`image ${state.pinned}`, [d.codes[2 * state.pinned], d.codes[2 * state.pinned + 1]]]);
    pathCtx.fillStyle = "#222", pathCtx.font = "12px system-ui";
    rows.forEach(([name, start], r) => {
      pathCtx.fillText(name, 0, r * (CELL + 6) + CELL / 2);
      for (let s = 0; s < STEPS; ++s) {
        const t = s / (STEPS - 1);
        const z = [start[0] + t * (b[0] - a[0]), start[1] + t * (b[1] - a[1])];
        drawImage(pathCtx, decode(d.layers, z), 255, 130 + s * (CELL + 6), r * (CELL + 6), CELL);
      }
    });
  }
  function drawAll() { drawMap(), drawInspector(), drawLatent(), drawDecoded(), drawPath(); }

  el("map").addEventListener("mousemove", (e) => {
    const i = nearest(d.map, mapView, ...mouse(e, el("map")), 12);
    if (i !== state.hover) state.hover = i, drawMap(), drawInspector(), drawLatent();
  });
  el("map").addEventListener("mouseleave", () => { state.hover = -1, drawMap(), drawInspector(), drawLatent(); });
  el("map").addEventListener("click", (e) => {
    state.pinned = nearest(d.map, mapView, ...mouse(e, el("map")), 12);
    drawAll();
  });
  el("latent").addEventListener("mousemove", (e) => {
    state.z = latentView.fromPx(...mouse(e, el("latent")));
    drawLatent(), drawDecoded();
  });
  for (const id of ["from", "to"])
    el(id).addEventListener("change", () => { state[id] = Number(el(id).value), drawLatent(), drawPath(); });
  return { d, mapView, latentView, drawAll, el };
}
// ---- Start: settings from the address (#pin=12&z=0.5,-1&from=0&to=9), timing, self-test ----
function settings(app) {
  const h = new URLSearchParams(location.hash.slice(1)), d = app.d;
  state.from = 0, state.to = d.classes.length - 1;
  const int = (k, max) => { const v = Number(h.get(k)); return h.has(k) && Number.isInteger(v) && v >= 0 && v < max ? v : -1; };
  if (int("pin", d.n) >= 0) state.pinned = int("pin", d.n);
  if (int("from", d.classes.length) >= 0) state.from = int("from", d.classes.length);
  if (int("to", d.classes.length) >= 0) state.to = int("to", d.classes.length);
  const z = (h.get("z") || "").split(",").map(Number);
  if (z.length === 2 && z.every(Number.isFinite)) state.z = z;
  app.el("from").value = state.from, app.el("to").value = state.to;
}
// The time of one decode (ms): the median of 5 rounds of 100 random codes, each round timed as a
// whole (browsers round performance.now() to 0.1 ms or so), after 2 rounds that warm the JIT up.
function timeDecode(d) {
  const rounds = [];
  for (let r = -2; r < 5; ++r) {
    const t0 = performance.now();
    for (let k = 0; k < 100; ++k) decode(d.layers, [4 * Math.random() - 2, 4 * Math.random() - 2]);
    if (r >= 0) rounds.push((performance.now() - t0) / 100);
  }
  return rounds.sort((a, b) => a - b)[2];
}
// Runs every handler once (hover, pin, the latent plane, the class selects), then writes into
// #selftest for tests/explorer_11.cpp: the decode time, the sum of each set of image bytes, and
// the pixels decoded from the first codes.
function selftest(app) {
  const d = app.d, at = (id, x, y, type) => {
    const box = app.el(id).getBoundingClientRect();
    app.el(id).dispatchEvent(new MouseEvent(type, { clientX: box.left + x, clientY: box.top + y, bubbles: true }));
  };
  at("map", ...app.mapView.toPx(d.map[0], d.map[1]), "mousemove");
  at("map", ...app.mapView.toPx(d.map[0], d.map[1]), "click");
  at("latent", LATENT / 3, LATENT / 2, "mousemove");
  app.el("to").value = 0, app.el("to").dispatchEvent(new Event("change"));
  const sum = (bytes) => bytes.reduce((a, v) => a + v, 0);
  const m = Math.min(d.n, 256), lines = [`decode_ms ${state.decodeMs}`,
    `image_sums ${[d.images, ...d.models.map((x) => x.images)].map(sum).join(" ")}`, `pixels ${m} ${PIXELS}`];
  for (let i = 0; i < m; ++i)
    lines.push(Array.from(decode(d.layers, d.codes.subarray(2 * i, 2 * i + 2)), (v) => v.toFixed(7)).join(" "));
  lines.push("selftest done");
  app.el("selftest").textContent = lines.join("\n");
}
try {
  const t0 = performance.now(), d = load(), loadMs = performance.now() - t0, app = makeApp(d);
  settings(app);
  state.decodeMs = timeDecode(d);
  app.drawAll();
  const dims = [d.layers[0].in, ...d.layers.map((l) => l.out)].join("-");
  document.getElementById("status").textContent = `${d.n} test images, ${d.models.length} models; ` +
    `the data unpacked in ${loadMs.toFixed(0)} ms; the VAE's decoder (${dims}) decodes one code in ` +
    `${state.decodeMs.toFixed(3)} ms (both measured here, now).`;
  if (location.hash.includes("selftest")) selftest(app);
} catch (e) {
  window.recordError("error: the page could not start: " + e.message);
}
