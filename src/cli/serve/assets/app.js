// The impunity explorer's page: controls, the page state in the URL, one run at a time over
// server-sent events, and hand-drawn SVG charts. No library, no build step, no network
// beyond the server that serves it.
'use strict';

const $ = (id) => document.getElementById(id);
const SVGNS = 'http://www.w3.org/2000/svg';
const state = { info: null, source: null, result: null, partial: null };
const clientId = (() => {
  let id = sessionStorage.getItem('impunity-client');
  if (!id) {
    id = 'c' + Math.random().toString(36).slice(2, 12);
    sessionStorage.setItem('impunity-client', id);
  }
  return id;
})();

// ---------- formatting ----------
function fmt(x, unit) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const d = unit === 'index' ? 3 : 1;
  return x.toFixed(d);
}
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
function short(x) {
  const a = Math.abs(x);
  if (a >= 1e6) return (x / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (x / 1e3).toFixed(0) + 'k';
  if (a >= 1e3) return (x / 1e3).toFixed(1) + 'k';
  if (a >= 10 || a === 0) return x.toFixed(0);
  return x.toPrecision(2);
}

// ---------- controls ----------
function knobInput(k) {
  if (k.kind.type === 'bool') return $('knob-' + k.key).checked ? 'true' : 'false';
  return $('knob-' + k.key).value;
}
function setKnob(k, v) {
  const el = $('knob-' + k.key);
  if (k.kind.type === 'bool') el.checked = v === 'true';
  else el.value = v;
  showKnob(k);
}
function baselineText(k) {
  // TOML strings come quoted: "none"
  return (k.baseline || '').replace(/^"|"$/g, '');
}
function showKnob(k) {
  const out = $('out-' + k.key);
  if (out) out.textContent = knobInput(k);
}
function buildKnobs(info) {
  const box = $('knobs');
  box.innerHTML = '';
  for (const k of info.knobs) {
    const div = document.createElement('div');
    div.className = 'ctl';
    const id = 'knob-' + k.key;
    let input;
    if (k.kind.type === 'number') {
      input = `<input type="range" id="${id}" min="${k.kind.min}" max="${k.kind.max}" step="${k.kind.step}">`;
    } else if (k.kind.type === 'bool') {
      input = `<input type="checkbox" id="${id}">`;
    } else {
      input = `<select id="${id}">${k.kind.choices.map((c) => `<option>${esc(c)}</option>`).join('')}</select>`;
    }
    let tl = '';
    if (k.timeline.length) {
      tl = '<div class="timeline">The scenario\'s timeline sets it to ' +
        k.timeline.map((t) => `<b>${esc(t.value)}</b> on ${esc(t.when)}`).join(', ') +
        ' in both runs: your value holds until then.</div>';
    }
    div.innerHTML = `<label for="${id}">${esc(k.label)} <output id="out-${k.key}"></output></label>${input}
      <div class="base">baseline: ${esc(baselineText(k))} · <code>${esc(k.key)}</code></div>${tl}`;
    box.appendChild(div);
    setKnob(k, baselineText(k));
    $(id).addEventListener('input', () => { showKnob(k); changed(); });
  }
}
function ticksOf(years) {
  const dpt = state.info.days_per_tick || 1;
  return Math.max(1, Math.min(state.info.limits.ticks, Math.round(years * 365 / dpt)));
}
function params() {
  const p = new URLSearchParams();
  for (const k of state.info.knobs) p.set(k.key, knobInput(k));
  p.set('years', $('years').value);
  p.set('ticks', String(ticksOf(parseFloat($('years').value))));
  p.set('replicates', $('replicates').value);
  p.set('scale', $('scale').value);
  p.set('seed', $('seed').value);
  p.set('interval', $('interval').value);
  return p;
}
function showWorld() {
  const years = parseFloat($('years').value);
  $('years-out').textContent = `${years} (${ticksOf(years)} ticks)`;
  $('replicates-out').textContent = $('replicates').value;
  $('scale-out').textContent = $('scale').value;
}
let commandTimer = null;
function changed() {
  showWorld();
  const p = params();
  history.replaceState(null, '', '?' + p.toString());
  clearTimeout(commandTimer);
  commandTimer = setTimeout(updateCommand, 150);
}
async function updateCommand() {
  const r = await fetch('api/command?' + params().toString());
  const body = await r.json();
  if (!r.ok) {
    $('command').textContent = '';
    status(body.error, true);
    return null;
  }
  $('command').textContent = body.command;
  showWarnings(body.warnings);
  if ($('status').classList.contains('error')) status('');
  return body;
}
function showWarnings(ws) {
  $('warnings').innerHTML = (ws || []).map((w) => `<li>${esc(w)}</li>`).join('');
}
function status(text, isError) {
  $('status').textContent = text || '';
  $('status').classList.toggle('error', !!isError);
}
function fromURL() {
  const q = new URLSearchParams(location.search);
  for (const k of state.info.knobs) if (q.has(k.key)) setKnob(k, q.get(k.key));
  for (const id of ['years', 'replicates', 'scale', 'seed']) if (q.has(id)) $(id).value = q.get(id);
  if (q.has('interval')) {
    // a link may carry any interval the server accepts, not only the menu's
    const v = q.get('interval'), sel = $('interval');
    if (![...sel.options].some(o => o.value === v)) sel.add(new Option(`${Number(v) / 1000} s`, v));
    sel.value = v;
  }
  return q.get('autorun') === '1';
}
function reset() {
  stop('');
  for (const k of state.info.knobs) setKnob(k, baselineText(k));
  $('years').value = defaultYears();
  $('replicates').value = 10;
  $('scale').value = Math.max(state.info.limits.scale[0], Math.min(state.info.limits.scale[1], Math.round(state.info.scale)));
  $('seed').value = 1;
  $('interval').value = 250;
  state.result = null;
  $('done').hidden = true;
  $('empty').hidden = false;
  $('progress').hidden = true;
  status('');
  changed();
}
function defaultYears() {
  const dpt = state.info.days_per_tick || 1;
  return Math.min(10, Math.max(0.25, Math.round(state.info.ticks * dpt / 365 * 4) / 4));
}

// ---------- running ----------
function running(on) {
  $('run').disabled = on;
  $('stop').disabled = !on;
}
function stop(message) {
  if (state.source) {
    // closing the stream makes the server cancel the run
    state.source.close();
    state.source = null;
  }
  running(false);
  if (message !== undefined) status(message);
}
async function run() {
  stop();
  const checked = await updateCommand();
  if (!checked) return;
  const p = params();
  p.set('client', clientId);
  running(true);
  status('Starting…');
  $('progress').hidden = false;
  $('bar').style.width = '0%';
  $('progress-text').textContent = '';
  document.body.dataset.state = 'running';
  document.body.dataset.partials = '0';
  delete document.body.dataset.firstPartialNote;
  state.result = null;
  state.partial = null;
  const started = performance.now();
  const es = new EventSource('api/run?' + p.toString());
  state.source = es;
  es.addEventListener('start', (e) => {
    const s = JSON.parse(e.data);
    showWarnings(s.warnings);
    status(`Running ${s.units} replicates (baseline and chosen) of ${s.ticks / s.units} ticks…`);
  });
  es.addEventListener('progress', (e) => {
    const s = JSON.parse(e.data);
    const f = s.ticks ? s.ticks_done / s.ticks : 0;
    $('bar').style.width = (100 * f).toFixed(1) + '%';
    $('progress-text').textContent = `${s.units_done} of ${s.units} replicates done · ${(100 * f).toFixed(0)}%`;
  });
  es.addEventListener('partial', (e) => {
    // the replicates done so far, drawn as the result will be (downloads wait for the end)
    const r = JSON.parse(e.data);
    state.partial = r;
    status(`Running: showing the ${r.replicates} of ${r.replicates_total} replicates per side done so far…`);
    draw(r);
    const b = document.body.dataset;
    b.partials = String(Number(b.partials || 0) + 1);
    if (!b.firstPartialNote) b.firstPartialNote = $('diff-note').textContent;
  });
  es.addEventListener('result', (e) => {
    es.close();
    state.source = null;
    running(false);
    $('bar').style.width = '100%';
    const r = JSON.parse(e.data);
    state.result = r;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    status(`Done: ${r.replicates} replicates per side, seed ${r.seed}, ${r.ticks} ticks, in ${secs} s.`);
    $('progress-text').textContent = 'done';
    draw(r);
    document.body.dataset.state = 'done';
  });
  es.addEventListener('failed', (e) => {
    stop();
    const m = JSON.parse(e.data).error;
    status(m === 'cancelled' ? 'Stopped.' : 'The run failed: ' + m, m !== 'cancelled');
    document.body.dataset.state = 'failed';
  });
  es.onerror = () => {
    if (state.source !== es) return;
    // never let EventSource reconnect: that would start the run again
    stop();
    status('The connection to the server was lost (or it refused the run: too many runs at once?).', true);
    document.body.dataset.state = 'failed';
  };
}

// ---------- drawing ----------
function el(name, attrs, parent) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
function text(parent, x, y, s, attrs) {
  const t = el('text', Object.assign({ x, y, 'font-size': 10, 'font-family': 'sans-serif', fill: '#333' }, attrs || {}), parent);
  t.textContent = s;
  return t;
}
function downloadBlob(name, type, body) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([body], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}
function figure(parent, svg, caption, file) {
  const f = document.createElement('figure');
  f.appendChild(svg);
  const c = document.createElement('figcaption');
  c.textContent = caption;
  const a = document.createElement('a');
  a.href = '#';
  a.textContent = '⤓ SVG';
  a.title = 'Download this chart';
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    downloadBlob(file + '.svg', 'image/svg+xml', new XMLSerializer().serializeToString(svg));
  });
  c.appendChild(a);
  f.appendChild(c);
  parent.appendChild(f);
}
function dateOf(r, tick) {
  if (!r.start_date) return 't' + tick;
  const d = new Date(r.start_date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + tick * (r.days_per_tick || 1));
  return d.toISOString().slice(0, 10);
}
const COLOURS = { baseline: '#6b6b6b', chosen: '#d95f02' };

function fanChart(r, name, s) {
  const W = 300, H = 170, L = 44, R = 8, T = 18, B = 22;
  const svg = el('svg', { xmlns: SVGNS, width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'fan', 'data-metric': name });
  el('rect', { x: 0, y: 0, width: W, height: H, fill: '#fff' }, svg);
  text(svg, L, 12, label(name), { 'font-size': 11, 'font-weight': 'bold' });
  const xs = r.tick_at;
  const tmax = xs[xs.length - 1] || 1;
  let hi = 0, lo = 0;
  for (const p of Object.values(s.points)) {
    for (const v of p.p95) if (v !== null) hi = Math.max(hi, v);
    for (const v of p.p5) if (v !== null) lo = Math.min(lo, v);
  }
  hi = niceMax(hi);
  const X = (t) => L + (W - L - R) * t / tmax;
  const Y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo || 1));
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    el('line', { x1: L, x2: W - R, y1: Y(v), y2: Y(v), stroke: '#eee' }, svg);
    text(svg, L - 4, Y(v) + 3, short(v), { 'text-anchor': 'end' });
  }
  for (const t of [0, Math.round(tmax / 2), tmax]) {
    text(svg, X(t), H - 6, dateOf(r, t), { 'text-anchor': t === 0 ? 'start' : t === tmax ? 'end' : 'middle' });
  }
  for (const [point, p] of Object.entries(s.points)) {
    const c = COLOURS[point] || '#1b9e77';
    const up = xs.map((t, i) => `${X(t).toFixed(1)},${Y(p.p95[i] ?? 0).toFixed(1)}`);
    const down = xs.map((t, i) => `${X(t).toFixed(1)},${Y(p.p5[i] ?? 0).toFixed(1)}`).reverse();
    el('polygon', { points: up.concat(down).join(' '), fill: c, 'fill-opacity': 0.18, stroke: 'none' }, svg);
    el('polyline', { points: xs.map((t, i) => `${X(t).toFixed(1)},${Y(p.mean[i] ?? 0).toFixed(1)}`).join(' '), fill: 'none', stroke: c, 'stroke-width': 1.6 }, svg);
  }
  el('line', { x1: L, x2: L, y1: T, y2: H - B, stroke: '#999' }, svg);
  return svg;
}
function label(name) {
  return name.replace(/^new_killed_civilians_/, '').replace(/^new_killed_/, '').replace(/^legitimacy_/, '')
    .replace(/^fighters_/, '').replace(/^new_/, '').replace(/_/g, ' ');
}
const GROUPS = [
  ['Civilians killed, by perpetrator (people, cumulative)', (n) => n.startsWith('new_killed_civilians_')],
  ['Killed, by community (people, cumulative)', (n) => n.startsWith('new_killed_')],
  ['Abuses and their fates (cumulative)', (n) => /^new_(abuses|cases_|convictions|amnesties)/.test(n)],
  ['Legitimacy (index)', (n) => n.startsWith('legitimacy_')],
  ['Fighters (people)', (n) => n.startsWith('fighters_')],
  ['Other', () => true],
];
function drawFans(r) {
  const box = $('charts');
  box.innerHTML = '';
  const names = Object.keys(r.series);
  const used = new Set();
  for (const [title, test] of GROUPS) {
    const mine = names.filter((n) => !used.has(n) && test(n));
    if (!mine.length) continue;
    mine.forEach((n) => used.add(n));
    const h = document.createElement('h2');
    h.textContent = title;
    box.appendChild(h);
    const legend = document.createElement('div');
    legend.className = 'legend';
    legend.innerHTML = 'mean, band 5–95 % across replicates:' +
      '<span class="sw" style="background:#6b6b6b"></span>baseline<span class="sw" style="background:#d95f02"></span>chosen';
    box.appendChild(legend);
    const row = document.createElement('div');
    row.className = 'fans';
    box.appendChild(row);
    for (const n of mine) figure(row, fanChart(r, n, r.series[n]), n, n);
  }
}
function drawDiffs(r) {
  const all = $('all-outcomes').checked;
  const rows = r.comparison.filter((c) => all || (c.headline && !(c.diff_mean === 0 && c.diff_sd === 0)));
  const head = '<tr><th>outcome</th><th>baseline</th><th>chosen</th><th>difference</th><th>95 % interval</th><th></th><th>chosen lower</th></tr>';
  const body = rows.map((c) => {
    const m = Math.max(Math.abs(c.ci_low ?? 0), Math.abs(c.ci_high ?? 0), Math.abs(c.diff_mean), 1e-12);
    const x = (v) => (60 + 55 * (v ?? 0) / m).toFixed(1);
    const bar = `<svg width="120" height="14" viewBox="0 0 120 14"><line x1="60" x2="60" y1="0" y2="14" stroke="#999"/>` +
      (c.ci_low === null ? '' : `<line x1="${x(c.ci_low)}" x2="${x(c.ci_high)}" y1="7" y2="7" stroke="#d95f02" stroke-width="2"/>`) +
      `<circle cx="${x(c.diff_mean)}" cy="7" r="3" fill="#d95f02"/></svg>`;
    const cell = (k) => `<td data-key="${k}" data-value="${c[k]}">${fmt(c[k], c.unit)}</td>`;
    return `<tr data-outcome="${esc(c.outcome)}"><td title="${esc(c.unit)}">${esc(c.outcome)}</td>${cell('baseline_mean')}${cell('variant_mean')}${cell('diff_mean')}` +
      `<td>[${fmt(c.ci_low, c.unit)}, ${fmt(c.ci_high, c.unit)}]</td><td class="bar">${bar}</td><td>${(100 * c.share_lower).toFixed(0)} %</td></tr>`;
  }).join('');
  $('diffs').innerHTML = head + body;
  $('diff-note').textContent = `${r.replicates} pairs on seed ${r.seed}; intervals are 95 % t-intervals of the mean paired difference, as compare.csv has them. ` +
    (all ? 'Every outcome.' : 'Headline outcomes with a difference.');
}
function drawMaps(r) {
  const box = $('maps');
  box.innerHTML = '';
  if (!r.map) { box.textContent = 'This scenario has no regions.'; return; }
  const rows = r.map.rows;
  const legend = Object.entries(r.map.legend);
  const names = Object.fromEntries(legend);
  const cols = Math.max(...rows.map((s) => s.length));
  const px = Math.max(3, Math.floor(300 / cols));
  const vals = r.map.values;
  let hi = 0;
  for (const v of Object.values(vals)) for (const x of Object.values(v)) hi = Math.max(hi, x);
  hi = niceMax(hi);
  const diff = {};
  if (vals.baseline && vals.chosen) for (const n of Object.keys(vals.baseline)) diff[n] = vals.chosen[n] - vals.baseline[n];
  let dm = 0;
  for (const x of Object.values(diff)) dm = Math.max(dm, Math.abs(x));
  dm = niceMax(dm);
  const seq = (v) => `hsl(20, 85%, ${(95 - 55 * Math.min(1, v / hi)).toFixed(0)}%)`;
  const div = (v) => v >= 0 ? `hsl(10, 80%, ${(96 - 50 * Math.min(1, v / dm)).toFixed(0)}%)` : `hsl(210, 70%, ${(96 - 50 * Math.min(1, -v / dm)).toFixed(0)}%)`;
  const one = (title, values, colour, file) => {
    const W = cols * px + 10, H = rows.length * px + 30;
    const svg = el('svg', { xmlns: SVGNS, width: W, height: H, viewBox: `0 0 ${W} ${H}` });
    el('rect', { x: 0, y: 0, width: W, height: H, fill: '#fff' }, svg);
    text(svg, 4, 12, title, { 'font-size': 11, 'font-weight': 'bold' });
    const sums = {};
    rows.forEach((row, y) => {
      [...row].forEach((ch, x) => {
        const name = names[ch];
        const fill = name === undefined ? '#e4e4e4' : colour(values[name] || 0);
        el('rect', { x: 5 + x * px, y: 20 + y * px, width: px, height: px, fill }, svg);
        if (name !== undefined) {
          const s = sums[name] || (sums[name] = [0, 0, 0]);
          s[0] += x; s[1] += y; s[2] += 1;
        }
      });
    });
    for (const [name, [sx, sy, n]] of Object.entries(sums)) {
      const cx = 5 + (sx / n + 0.5) * px, cy = 20 + (sy / n + 0.5) * px;
      text(svg, cx, cy - 2, name, { 'text-anchor': 'middle', 'font-size': 9 });
      text(svg, cx, cy + 9, short(values[name] || 0), { 'text-anchor': 'middle', 'font-size': 10, 'font-weight': 'bold' });
    }
    figure(box, svg, `${title} (people, mean over replicates)`, file);
  };
  if (vals.baseline) one('baseline', vals.baseline, seq, 'map-baseline');
  if (vals.chosen) one('chosen', vals.chosen, seq, 'map-chosen');
  if (vals.baseline && vals.chosen) one('chosen − baseline', diff, div, 'map-difference');
}
function draw(r) {
  $('empty').hidden = true;
  $('done').hidden = false;
  drawDiffs(r);
  drawMaps(r);
  drawFans(r);
}

// ---------- start ----------
async function main() {
  const r = await fetch('api/scenario');
  state.info = await r.json();
  const info = state.info;
  $('subtitle').textContent = `${info.title}: the scenario as shipped against your settings, on the same seeds.`;
  buildKnobs(info);
  $('replicates').max = info.limits.replicates;
  $('scale').min = info.limits.scale[0];
  $('scale').max = info.limits.scale[1];
  $('years').value = defaultYears();
  $('scale').value = Math.max(info.limits.scale[0], Math.min(info.limits.scale[1], Math.round(info.scale)));
  const autorun = fromURL();
  for (const id of ['years', 'replicates', 'scale', 'seed', 'interval']) $(id).addEventListener('input', changed);
  $('new-seed').addEventListener('click', () => { $('seed').value = Math.floor(Math.random() * 1e6); changed(); });
  $('run').addEventListener('click', run);
  $('stop').addEventListener('click', () => stop('Stopped.'));
  $('reset').addEventListener('click', reset);
  $('copy').addEventListener('click', async () => {
    const t = $('command').textContent;
    try { await navigator.clipboard.writeText(t); status('Command copied.'); } catch (_) {
      const ta = document.createElement('textarea');
      ta.value = t; document.body.appendChild(ta); ta.select(); document.execCommand('copy'); ta.remove();
      status('Command copied.');
    }
  });
  $('all-outcomes').addEventListener('change', () => { const r = state.result || state.partial; if (r) drawDiffs(r); });
  $('dl-compare').addEventListener('click', (e) => { e.preventDefault(); if (state.result) downloadBlob('compare.csv', 'text/csv', state.result.csv['compare.csv']); });
  $('dl-outcomes').addEventListener('click', (e) => { e.preventDefault(); if (state.result) downloadBlob('outcomes.csv', 'text/csv', state.result.csv['outcomes.csv']); });
  window.addEventListener('pagehide', () => stop());
  changed();
  document.body.dataset.state = 'ready';
  if (autorun) run();
}
main().catch((e) => status('Cannot load the scenario: ' + e, true));
