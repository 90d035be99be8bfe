// Screenshots of the explorer for the docs (docs/img/serve*.png), by hand:
//   node screenshot.mjs 'QUERY' OUT.png [viewport-height]
// e.g. node screenshot.mjs 'policy.impunity=0.3&scale=50&replicates=10&years=1&autorun=1' ../../docs/img/serve.png
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.IMPUNITY_BIN || resolve(here, '../../target/release/impunity');
const [query, out, height] = process.argv.slice(2);
const child = spawn(bin, ['serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((ok) => {
  let buf = '';
  child.stdout.on('data', (d) => { buf += d; if (buf.includes('\n')) ok(buf.split('\n')[0].trim()); });
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: Number(height || 1000) } });
  await page.goto(`${url}?${query}`);
  await page.waitForSelector('body[data-state=done]', { timeout: 600_000 });
  await page.screenshot({ path: out, fullPage: !height });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  child.kill();
}
