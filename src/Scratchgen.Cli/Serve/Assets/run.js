// The read-only run view: polls /api/run and shows the newest sample grid, the loss curves, the epochs'
// metrics and warnings. Pictures are fetched again only when their file changed.
'use strict';

const $ = id => document.getElementById(id);
const runStats = { polls: 0, gridsShown: [] };
window.runStats = runStats;
const shownVersion = {};

function losses(obj) { return obj ? Object.entries(obj).map(([k, v]) => k + ' ' + Number(v).toPrecision(4)).join(', ') : ''; }

function showPicture(img, file) {
  const version = file.name + '@' + file.modified;
  if (shownVersion[img.id] === version) return;
  shownVersion[img.id] = version;
  img.src = '/files/' + encodeURIComponent(file.name) + '?v=' + file.modified;
  img.classList.remove('hidden');
  if (img.id === 'grid') { $('grid-name').textContent = file.name; runStats.gridsShown.push(file.name); }
}

function render(run) {
  $('folder').textContent = run.folder;
  const grids = run.files.filter(f => /^samples_epoch_\d+\.png$/.test(f.name)).sort((a, b) => a.name < b.name ? -1 : 1);
  if (grids.length) showPicture($('grid'), grids[grids.length - 1]);
  const curves = run.files.find(f => f.name === 'loss_curves.png');
  if (curves) showPicture($('curves'), curves);
  const last = run.epochs[run.epochs.length - 1];
  if (last) { $('epoch').textContent = last.epoch; $('step').textContent = last.step; }
  const body = $('epochs').tBodies[0];
  if (body.rows.length !== run.epochs.length) {
    body.replaceChildren();
    for (const e of run.epochs) {
      const tr = body.insertRow();
      for (const v of [e.epoch, e.step, losses(e.train), losses(e.test), e.images_per_second]) tr.insertCell().textContent = v;
    }
  }
  const warnings = run.epochs.flatMap(e => (e.warnings || []).map(w => 'epoch ' + e.epoch + ': ' + w));
  const ul = $('warnings');
  if (ul.dataset.count !== String(warnings.length)) {
    ul.replaceChildren();
    for (const w of warnings.length ? warnings : ['none']) { const li = document.createElement('li'); li.textContent = w; ul.appendChild(li); }
    ul.dataset.count = warnings.length;
  }
  $('eval').textContent = run.eval ? JSON.stringify(run.eval, null, 1) : 'none yet';
}

async function poll() {
  try {
    const r = await fetch('/api/run');
    render(await r.json());
    runStats.polls++;
    $('state').textContent = 'read-only; refreshed every second';
  } catch (e) {
    $('state').textContent = 'server not answering (the run may have ended)';
  }
  setTimeout(poll, 1000);
}

window.addEventListener('DOMContentLoaded', poll);
