// The panel (issue 9, Benchmarks): gzipped size of the panel bundle and of the card bundle
// (targets < 120 KB and < 30 KB, read from panel/dist), and in headless Chromium against a real
// core with 100,000 seeded updates (PGlite): the time from navigation to the updates table
// rendered with 500 rows, and from choosing a filter to the filtered rows (targets < 1 s and
// < 300 ms). The reference, measured in the same run, the same way, in the same browser: a bare
// HTML page of the core's origin that fetches the same API JSON and renders the same rows with
// innerHTML (no framework, no components, no live stream). Interleaved runs, medians.
// BENCH_UPDATES (default 100,000) and BENCH_RUNS (default 7) scale it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../panel/chromium.js';
import { ADMIN, startPanelCore } from '../panel/panel-core.js';
import { percentile } from './lib.js';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ROWS = 500;
const DIST = new URL('../../panel/dist/', import.meta.url).pathname;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (x: number) => `${Math.round(x)} ms`;

function gzipped(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

function sizes(): void {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'rf-card.js'))) {
    console.log('panel/dist is not built: building it (npm run build:panel)');
    execFileSync('npm', ['run', 'build:panel'], { stdio: 'ignore' });
  }
  const assets = readdirSync(join(DIST, 'assets')).map((f) => join(DIST, 'assets', f));
  const app = [join(DIST, 'index.html'), ...assets].reduce((sum, f) => sum + gzipped(f), 0);
  const card = gzipped(join(DIST, 'rf-card.js'));
  console.log(
    `panel bundle (index.html + assets/, gzip -9): ${kb(app)}  target < 120 KB  (${((app / (120 * 1024)) * 100).toFixed(0)}% of it)`,
  );
  console.log(
    `card bundle (rf-card.js, gzip -9):           ${kb(card)}  target < 30 KB   (${((card / (30 * 1024)) * 100).toFixed(0)}% of it)`,
  );
}

/** The reference: the same request and the same columns, rendered with innerHTML, a select for the filter. */
const REFERENCE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reference</title></head><body>
<label>Severity <select id="sev"><option value="">any</option><option>critical</option><option>high</option><option>low</option></select></label>
<table><thead><tr><th></th><th>Package</th><th>Host</th><th>Manager</th><th>Installed</th><th>Available</th><th>Severity</th><th>Status</th><th>First seen</th></tr></thead><tbody id="rows"></tbody></table>
<script>
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function load() {
  const sev = document.getElementById('sev').value;
  const q = new URLSearchParams(location.hash.slice(1));
  if (sev) q.set('severity', sev);
  const res = await fetch('api/v1/updates?' + q, { credentials: 'same-origin' });
  const { items } = await res.json();
  document.getElementById('rows').innerHTML = items.map((r) => '<tr data-sev="' + esc(r.severity) + '"><td><input type="checkbox"></td><td>' + esc(r.name) +
    '</td><td><a href="#">' + esc(r.hostname) + '</a></td><td>' + esc(r.plugin) + '</td><td>' + esc(r.currentVersion) + '</td><td>' + esc(r.availableVersion) +
    '</td><td><span>' + esc(r.severity) + '</span></td><td>' + esc(r.status) + '</td><td>' + esc(new Date(r.firstSeenAt).toLocaleDateString()) + '</td></tr>').join('');
}
document.getElementById('sev').addEventListener('change', load);
load();
</script></body></html>`;

// Strings, not functions: tsx would wrap named functions in a __name helper the page lacks.
const PANEL_ROWS = `(() => {
  const page = document.querySelector('rf-app')?.shadowRoot?.querySelector('rf-updates-page')?.shadowRoot;
  const table = page?.querySelector('rf-updates-table')?.shadowRoot;
  return table ? [...table.querySelectorAll('tbody tr')] : [];
})()`;
const PANEL_SEVERITY = `(() => {
  const page = document.querySelector('rf-app').shadowRoot.querySelector('rf-updates-page').shadowRoot;
  const filters = page.querySelector('rf-updates-filters').shadowRoot;
  return [...filters.querySelectorAll('label')].find((l) => l.textContent.trim().startsWith('Severity')).querySelector('select');
})()`;
const PANEL_ROW_SEVERITY = `(tr) => tr.querySelector('rf-severity-badge')?.severity`;
const REF_ROWS = `[...document.querySelectorAll('#rows tr')]`;
const REF_SEVERITY = `document.getElementById('sev')`;
const REF_ROW_SEVERITY = `(tr) => tr.dataset.sev`;

interface Target {
  name: string;
  url: string;
  rows: string;
  select: string;
  rowSeverity: string;
}

/**
 * Installed in every document before its own scripts (DevTools, so the panel's CSP allows it):
 * notes the page's clock at the first frame the table shows `ROWS` rows.
 */
const TABLE_WATCH = `(() => {
  const rows = () => {
    const page = document.querySelector('rf-app')?.shadowRoot?.querySelector('rf-updates-page')?.shadowRoot;
    const table = page?.querySelector('rf-updates-table')?.shadowRoot;
    return table ? table.querySelectorAll('tbody tr').length : document.querySelectorAll('#rows tr').length;
  };
  const tick = () => (rows() === ${ROWS} ? (window.__rfTableAt = performance.now()) : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
})()`;

/** Navigation start → the table shows `ROWS` rows, in ms (the page's own clock, checked every frame). */
async function toTable(page: Page, t: Target): Promise<number> {
  await page.goto(t.url, { waitUntil: 'commit' });
  return (await page.evaluate(`new Promise((resolve) => {
    const check = () => (window.__rfTableAt ? resolve(window.__rfTableAt) : setTimeout(check, 20));
    check();
  })`)) as number;
}

/** A filter chosen (severity low: none of it on the first page, most severe first) → every row shown is of it, in ms. */
async function toFiltered(page: Page, t: Target): Promise<number> {
  return (await page.evaluate(`(async () => {
    const select = ${t.select};
    const sevOf = ${t.rowSeverity};
    const t0 = performance.now();
    select.value = 'low';
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const rows = ${t.rows};
      if (rows.length > 0 && rows.every((tr) => sevOf(tr) === 'low')) return performance.now() - t0;
    }
  })()`)) as number;
}

async function signedInContext(browser: Browser, httpUrl: string): Promise<BrowserContext> {
  const res = await fetch(`${httpUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(TABLE_WATCH);
  await context.addCookies([{ name, value, url: httpUrl }]);
  await context.route(`${httpUrl}/bench-reference.html`, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: REFERENCE_HTML }),
  );
  return context;
}

export async function run(): Promise<void> {
  sizes();
  if (!existsSync(CHROMIUM)) {
    console.log(`timings skipped: no Chromium at ${CHROMIUM}`);
    return;
  }
  const pc = await startPanelCore();
  const chromium = await launchBrowser();
  try {
    const agents = Math.max(1, Math.round(UPDATES / 1000));
    await pc.core.db.seed.seedFleet({ agents, packagesPerAgent: Math.round(UPDATES / agents) });
    const context = await signedInContext(chromium.browser, pc.core.httpUrl);
    const page = await context.newPage();
    const targets: Target[] = [
      {
        name: 'RedFlag panel',
        url: `${pc.url}#/updates?status=any&limit=${ROWS}`,
        rows: PANEL_ROWS,
        select: PANEL_SEVERITY,
        rowSeverity: PANEL_ROW_SEVERITY,
      },
      {
        name: 'bare innerHTML page',
        url: `${pc.core.httpUrl}/bench-reference.html#limit=${ROWS}`,
        rows: REF_ROWS,
        select: REF_SEVERITY,
        rowSeverity: REF_ROW_SEVERITY,
      },
    ];
    // A first, cold visit of each (bundle and API warm-up), not counted.
    for (const t of targets) await toTable(page, t);
    const table = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    const filtered = new Map<string, number[]>(targets.map((t) => [t.name, []]));
    for (let i = 0; i < RUNS; i++)
      for (const t of i % 2 ? [...targets].reverse() : targets) {
        // about:blank in between: every run is a navigation, not a hash change.
        await page.goto('about:blank');
        table.get(t.name)!.push(await toTable(page, t));
        filtered.get(t.name)!.push(await toFiltered(page, t));
      }
    const median = (xs: number[]) => percentile(xs, 50);
    const [ours, bare] = targets.map((t) => t.name);
    const tOurs = median(table.get(ours!)!);
    const tBare = median(table.get(bare!)!);
    const fOurs = median(filtered.get(ours!)!);
    const fBare = median(filtered.get(bare!)!);
    console.log(
      `${UPDATES.toLocaleString('en')} updates seeded (PGlite), ${RUNS} interleaved runs, medians:`,
    );
    console.log(
      `navigation → table with ${ROWS} rows:  panel ${ms(tOurs)} (target < 1 s), bare ${ms(tBare)}, ratio ${(tOurs / tBare).toFixed(2)}`,
    );
    console.log(
      `filter chosen → filtered rows (severity low): panel ${ms(fOurs)} (target < 300 ms), bare ${ms(fBare)}, ratio ${(fOurs / fBare).toFixed(2)}`,
    );
    console.log(
      `  panel runs: table ${table.get(ours!)!.map(Math.round).join(', ')}; filter ${filtered.get(ours!)!.map(Math.round).join(', ')}`,
    );
    console.log(
      `  bare runs:  table ${table.get(bare!)!.map(Math.round).join(', ')}; filter ${filtered.get(bare!)!.map(Math.round).join(', ')}`,
    );
    await context.close();
  } finally {
    await chromium.close();
    await pc.close();
  }
}
