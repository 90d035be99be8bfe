// Browser test of `impunity serve` (docs/serve.md): starts the server, opens the page in
// Debian's chromium (playwright-core drives it; no browser is downloaded), moves a slider with
// the keyboard, runs, waits for the charts, and checks the numbers the page shows against
// those `impunity compare` writes for the command line the page shows, then checks that a
// longer run is drawn while it goes on (partial results). Saves a screenshot.
//
//   cd tests/browser && npm ci && node explorer.test.mjs
//
// Environment: IMPUNITY_BIN (default ../../target/release/impunity), CHROMIUM (default
// /usr/bin/chromium), SCREENSHOT (default out/serve-test.png).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.IMPUNITY_BIN || resolve(here, '../../target/release/impunity');
const shot = process.env.SCREENSHOT || join(here, 'out', 'serve-test.png');

function startServer() {
  const child = spawn(bin, ['serve', '--port', '0', '--threads', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) ok({ child, url: line.trim() });
    });
    child.on('exit', (code) => fail(new Error(`impunity serve exited with ${code}`)));
  });
}

const started = Date.now();
const { child, url } = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // the world settings from the URL (the page keeps its state there) ...
  await page.goto(`${url}?scale=100&replicates=3&seed=5&years=0.25`);
  await page.waitForSelector('body[data-state=ready]');
  // ... and a policy knob moved with the keyboard: impunity 0.95 → 0.30
  const slider = page.locator('[id="knob-policy.impunity"]');
  assert.equal(await slider.inputValue(), '0.95');
  await slider.focus();
  for (let i = 0; i < 13; i++) await page.keyboard.press('ArrowLeft');
  assert.equal(await slider.inputValue(), '0.3');
  await page.waitForFunction(() => location.search.includes('policy.impunity=0.3'));
  const field = page.locator('[id="knob-policy.field_oversight"]');
  await field.check();
  await page.waitForFunction(() => document.getElementById('command').textContent.includes('policy.field_oversight=true'));

  await page.click('#run');
  await page.waitForSelector('body[data-state=done]', { timeout: 90_000 });
  const command = await page.textContent('#command');
  assert.match(command, /^impunity compare central-mali-2018 --set world\.people_per_agent=100 --variant chosen:policy\.impunity=0\.3,.*policy\.field_oversight=true.* --seed 5 --replicates 3 --ticks 91$/);

  // the charts are drawn
  const fans = await page.locator('svg.fan').count();
  const maps = await page.locator('#maps svg').count();
  assert.ok(fans >= 20, `${fans} fan charts`);
  assert.equal(maps, 3);
  const bands = await page.locator('svg.fan polygon').count();
  assert.equal(bands, 2 * fans, 'a band per point per chart');

  // the numbers shown are those of `impunity compare` on the same command line
  const dir = mkdtempSync(join(tmpdir(), 'impunity-browser-'));
  execFileSync(bin, [...command.split(' ').slice(1), '--out', join(dir, 'run'), '--charts', 'none', '-q'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const csv = readFileSync(join(dir, 'run', 'compare.csv'), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  const want = new Map(csv.slice(1).map((l) => {
    const c = l.split(',');
    return [c[1], Object.fromEntries(header.map((h, i) => [h, c[i]]))];
  }));
  const shown = await page.$$eval('#diffs tr[data-outcome]', (rows) => rows.map((r) => ({
    outcome: r.dataset.outcome,
    cells: Object.fromEntries([...r.querySelectorAll('td[data-key]')].map((td) => [td.dataset.key, td.dataset.value])),
    text: r.innerText,
  })));
  assert.ok(shown.length >= 3, `${shown.length} rows of paired differences`);
  for (const row of shown) {
    const w = want.get(row.outcome);
    assert.ok(w, `${row.outcome} is not in compare.csv`);
    for (const k of ['baseline_mean', 'variant_mean', 'diff_mean']) {
      assert.equal(Number(row.cells[k]), Number(w[k]), `${row.outcome} ${k}: page ${row.cells[k]}, compare.csv ${w[k]}`);
    }
  }
  // and the text shown rounds them (one decimal for people)
  const total = shown.find((r) => r.outcome === 'killed_civilians_total');
  assert.ok(total.text.includes(Number(want.get('killed_civilians_total').diff_mean).toFixed(1)), total.text);
  rmSync(dir, { recursive: true });

  // the CSV download is the server's compare.csv
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-compare')]);
  const path = await download.path();
  const got = readFileSync(path, 'utf8').trim().split('\n');
  assert.deepEqual(got, csv);

  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });

  // results drawn while the run goes on: 12 replicates a side, redrawn every 100 ms; the page
  // shows the replicates done so far (fewer pairs than asked) before the whole result
  await page.goto(`${url}?scale=100&replicates=12&seed=6&years=0.25&interval=100`);
  await page.waitForSelector('body[data-state=ready]');
  await page.click('#run');
  await page.waitForSelector('body[data-state=done]', { timeout: 90_000 });
  // the note the page showed under the paired differences when it drew its first partial result
  const note = await page.evaluate(() => document.body.dataset.firstPartialNote || '');
  const pairs = Number((note.match(/^(\d+) pairs/) || [])[1]);
  assert.ok(pairs >= 1 && pairs < 12, `the first partial result: "${note}"`);
  assert.match(await page.textContent('#diff-note'), /^12 pairs/);
  const partials = Number(await page.evaluate(() => document.body.dataset.partials));

  assert.deepEqual(errors, [], 'no errors in the page');
  console.log(`browser test passed: ${shown.length} differences checked, ${fans} fan charts, ${partials} partial results drawn, ${((Date.now() - started) / 1000).toFixed(1)} s; screenshot ${shot}`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await browser.close();
  child.kill();
}
process.exit(failed ? 1 : 0);
