// The live GAN lab page: polls /api/frame, draws it, and sends each control to /api/control, where the
// server validates it before the engine sees it. Everything the server says is shown as text, never as HTML.
'use strict';

const $ = id => document.getElementById(id);
const stats = { frames: 0, framesWithNewStep: 0, lastStep: -1, errors: 0, fps: 0, surfaceDraws: 0 };
window.labStats = stats;
let frame = null, frameVersion = -1, drawing = false, drawn = [], traceStep = -1, knobsFilled = false, fpsWindow = { count: 0, at: performance.now() };

function message(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = 'message ' + (isError ? 'error' : 'ok');
}

async function send(body) {
  try {
    const r = await fetch('/api/control', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const reply = await r.json();
    if (!r.ok) { message(reply.error || ('refused (' + r.status + ')'), true); return false; }
    message('applied: ' + reply.message, false);
    return true;
  } catch (e) {
    message('the server did not answer: ' + e.message, true);
    return false;
  }
}

function setKnob(field) { return send({ field: field, value: $(field).value }); }

// Plane coordinates: data units in [-extent, extent], y up.
function toCanvas(x, y, c, extent) { return [(x + extent) / (2 * extent) * c.width, (extent - y) / (2 * extent) * c.height]; }
function fromCanvas(px, py, c, extent) { return [px / c.width * 2 * extent - extent, extent - py / c.height * 2 * extent]; }

const surfaceCanvas = document.createElement('canvas');

function drawPlane(f) {
  const c = $('plane'), g = c.getContext('2d');
  const n = f.surfaceSide;
  surfaceCanvas.width = n; surfaceCanvas.height = n;
  const sg = surfaceCanvas.getContext('2d'), img = sg.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const v = f.surface[i] === null ? 0.5 : Math.min(1, Math.max(0, f.surface[i]));
    // v = 1 (real): light blue; v = 0 (fake): light orange.
    img.data[4 * i] = Math.round(246 + (183 - 246) * v);
    img.data[4 * i + 1] = Math.round(210 + (211 - 210) * v);
    img.data[4 * i + 2] = Math.round(180 + (238 - 180) * v);
    img.data[4 * i + 3] = 255;
  }
  sg.putImageData(img, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(surfaceCanvas, 0, 0, c.width, c.height);
  stats.surfaceDraws++;
  const e = f.extent;
  dots(g, c, f.real, e, '#1f77b4');
  // Arrows: scaled so that the longest is a tenth of the plane; their directions are the engine's gradients.
  let longest = 1e-12;
  for (let i = 0; i + 1 < f.arrows.length; i += 2) longest = Math.max(longest, Math.hypot(f.arrows[i] || 0, f.arrows[i + 1] || 0));
  const scale = 0.2 * e / longest;
  g.strokeStyle = 'rgba(60,60,60,0.7)'; g.lineWidth = 1;
  g.beginPath();
  for (let i = 0; i + 1 < f.fake.length; i += 2) {
    if (f.fake[i] === null || f.arrows[i] === null) continue;
    const [x0, y0] = toCanvas(f.fake[i], f.fake[i + 1], c, e);
    const [x1, y1] = toCanvas(f.fake[i] + scale * f.arrows[i], f.fake[i + 1] + scale * f.arrows[i + 1], c, e);
    g.moveTo(x0, y0); g.lineTo(x1, y1);
  }
  g.stroke();
  dots(g, c, f.fake, e, '#ff7f0e');
  if (f.settings.data === 'drawn' || drawing) {
    g.strokeStyle = '#222';
    for (const [x, y] of drawn) { const [px, py] = toCanvas(x, y, c, e); g.strokeRect(px - 3, py - 3, 6, 6); }
  }
}

function dots(g, c, xy, e, colour) {
  g.fillStyle = colour;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    if (xy[i] === null) continue;
    const [x, y] = toCanvas(xy[i], xy[i + 1], c, e);
    g.fillRect(x - 1.5, y - 1.5, 3, 3);
  }
}

function drawLosses(f) {
  const c = $('losses'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const s = f.losses.step, series = [[f.losses.d, '#1f77b4'], [f.losses.g, '#d62728']];
  if (s.length < 2) return;
  let lo = Infinity, hi = -Infinity;
  for (const [v] of series) for (const x of v) if (x !== null) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  if (!(hi > lo)) { hi = lo + 1; }
  const pad = 4, w = c.width - 2 * pad, h = c.height - 2 * pad, s0 = s[0], s1 = s[s.length - 1] || 1;
  g.fillStyle = '#888'; g.font = '10px sans-serif';
  g.fillText(hi.toPrecision(3), pad, pad + 8); g.fillText(lo.toPrecision(3), pad, c.height - pad);
  g.fillText('step ' + s1, c.width - 70, c.height - pad);
  for (const [v, colour] of series) {
    g.strokeStyle = colour; g.beginPath();
    let started = false;
    for (let i = 0; i < s.length; i++) {
      if (v[i] === null) { started = false; continue; }
      const x = pad + (s[i] - s0) / Math.max(1, s1 - s0) * w, y = pad + (hi - v[i]) / (hi - lo) * h;
      if (started) g.lineTo(x, y); else { g.moveTo(x, y); started = true; }
    }
    g.stroke();
  }
}

function fmt(v) { return v === null || v === undefined ? 'n/a' : Number(v).toPrecision(4); }

function render(f) {
  stats.frames++;
  if (f.step !== stats.lastStep) { stats.framesWithNewStep++; fpsWindow.count++; }
  stats.lastStep = f.step;
  const now = performance.now();
  if (now - fpsWindow.at >= 1000) { stats.fps = fpsWindow.count * 1000 / (now - fpsWindow.at); fpsWindow = { count: 0, at: now }; $('fps').textContent = stats.fps.toFixed(1); }
  $('step').textContent = f.step;
  $('rate').textContent = f.stepsPerSecond.toFixed(0);
  $('state').textContent = f.playing ? 'playing' : 'paused';
  $('surface-kind').textContent = f.surfaceKind === 'P(real)' ? "D's P(real)" : "the critic's score (scaled)";
  if (!knobsFilled) {
    for (const k of ['lr_d', 'lr_g', 'd_steps', 'g_width', 'd_width']) $(k).value = f.settings[k];
    $('seed').value = f.settings.seed;
    knobsFilled = true;
  }
  if (document.activeElement !== $('loss')) $('loss').value = f.settings.loss;
  if (document.activeElement !== $('data') && !drawing) $('data').value = f.settings.data;
  drawPlane(f);
  drawLosses(f);
  $('loss-now').textContent = ' now: D ' + fmt(f.lossD) + ', G ' + fmt(f.lossG);
  $('metrics').textContent = f.metrics.modesCovered + ' of ' + f.metrics.modes + ' modes covered, ' +
    (100 * f.metrics.highQuality).toFixed(1) + ' % of G\'s points high quality (within 3 std of a centre), on 1,000 points from fixed noise, at step ' + f.metrics.step;
  const ul = $('warnings');
  if (f.warnings.length !== ul.dataset.count * 1 || (f.warnings.length === 0 && !ul.dataset.count)) {
    ul.replaceChildren();
    if (f.warnings.length === 0) { const li = document.createElement('li'); li.className = 'none'; li.textContent = 'none yet'; ul.appendChild(li); }
    for (const w of f.warnings) { const li = document.createElement('li'); li.textContent = w.text; ul.appendChild(li); }
    ul.dataset.count = f.warnings.length;
  }
  const body = $('log').tBodies[0];
  if (body.rows.length !== f.log.length) {
    body.replaceChildren();
    for (const e of f.log) {
      const tr = body.insertRow();
      for (const v of [e.step, e.field, e.value, e.seconds]) { const td = tr.insertCell(); td.textContent = v; td.title = String(v); }
    }
  }
  if (f.traceStep !== traceStep) { traceStep = f.traceStep; loadTrace(); }
}

async function loadTrace() {
  const t = await (await fetch('/api/trace')).json();
  const box = $('trace');
  box.replaceChildren();
  if (!t.parts.length) return;
  const p = document.createElement('p');
  p.className = 'explain';
  p.textContent = 'Step ' + t.step + ' as the engine ran it (the same records as `scratchgen trace`): each update builds its loss with the ops below, ' +
    'then backpropagation walks them backwards, applying each op\'s derivative rule to pass dL/d(output) on to its inputs. ' +
    'The arrows on the plane are the last of these gradients for G\'s points: -dL_G/d(point).';
  box.appendChild(p);
  for (const part of t.parts) {
    const d = document.createElement('details');
    d.open = part === t.parts[t.parts.length - 1];
    const s = document.createElement('summary');
    s.textContent = part.title + ' (' + part.forward.length + ' forward ops, ' + part.backward.length + ' backward steps from ' + part.root + ')';
    d.appendChild(s);
    for (const [name, lines] of [['forward', part.forward], ['backward', part.backward]]) {
      const h = document.createElement('div'); h.textContent = name.toUpperCase(); d.appendChild(h);
      const ol = document.createElement('ol');
      for (const line of lines) { const li = document.createElement('li'); li.textContent = line; ol.appendChild(li); }
      d.appendChild(ol);
    }
    box.appendChild(d);
  }
}

async function poll() {
  let wait = 0;
  try {
    // The server holds the request until a frame newer than ours is out (or a second passes).
    const r = await fetch('/api/frame?after=' + frameVersion);
    const f = await r.json();
    const version = Number(r.headers.get('X-Frame'));
    if (f.error) message(f.error, true); else if (version !== frameVersion) { frameVersion = version; frame = f; render(f); }
  } catch (e) {
    stats.errors++;
    $('state').textContent = 'server not answering';
    wait = 500;
  }
  setTimeout(poll, wait);
}

function setDrawing(on) {
  drawing = on;
  for (const id of ['draw-apply', 'draw-clear', 'draw-help']) $(id).classList.toggle('hidden', !on);
}

window.addEventListener('DOMContentLoaded', () => {
  $('play').addEventListener('click', () => send({ action: 'play' }));
  $('pause').addEventListener('click', () => send({ action: 'pause' }));
  $('stepbtn').addEventListener('click', () => send({ action: 'step' }));
  $('reset').addEventListener('click', () => { knobsFilled = false; send({ field: 'reset', value: $('seed').value }); });
  $('loss').addEventListener('change', () => send({ field: 'loss', value: $('loss').value }));
  $('data').addEventListener('change', () => {
    if ($('data').value === 'drawn') { setDrawing(true); message('click the plane to add points, then "use drawn points"', false); return; }
    setDrawing(false);
    send({ field: 'data', value: $('data').value });
  });
  $('draw-clear').addEventListener('click', () => { drawn = []; if (frame) drawPlane(frame); });
  $('draw-apply').addEventListener('click', async () => {
    const text = drawn.map(([x, y]) => x.toFixed(3) + ' ' + y.toFixed(3)).join(';');
    if (await send({ field: 'drawn', value: text })) setDrawing(false);
  });
  $('plane').addEventListener('click', ev => {
    if (!drawing || !frame) return;
    const c = $('plane'), r = c.getBoundingClientRect();
    // The drawn set lives on the plane [-3, 3]^2 whatever the current data's extent.
    const e = frame.extent, [x, y] = fromCanvas((ev.clientX - r.left) * c.width / r.width, (ev.clientY - r.top) * c.height / r.height, c, e);
    drawn.push([Math.max(-3, Math.min(3, x)), Math.max(-3, Math.min(3, y))]);
    drawPlane(frame);
  });
  for (const b of document.querySelectorAll('button[data-knob]')) b.addEventListener('click', () => setKnob(b.dataset.knob));
  for (const k of ['lr_d', 'lr_g', 'd_steps', 'g_width', 'd_width'])
    $(k).addEventListener('keydown', ev => { if (ev.key === 'Enter') setKnob(k); });
  poll();
});
