import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM } from './chromium.js';

export { CHROMIUM, launchBrowser, type PanelBrowser } from './chromium.js';

/**
 * The shared browser-test helper (panel/README.md "Browser tests"): Debian's Chromium driven by
 * playwright-core, a fresh profile per launch, accessibility checks with axe-core and
 * screenshots into test-output/panel/.
 */
const OUTPUT = new URL('../../test-output/panel/', import.meta.url).pathname;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Skips the suite without Chromium, except in CI (CI=true), where a missing browser fails. */
export function requireChromium(suite: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run)`);
  suite.skip();
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, so a test can assert there were none. */
  errors: string[];
}

/** A new browser context (own cookies) at a viewport, collecting page errors. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = DESKTOP,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A refused live socket is a state the panel shows ("reconnecting"), not a page error.
    if (msg.type() === 'error' && !/^WebSocket connection to/.test(msg.text()))
      errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url);
  return { context, page, errors };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** Runs axe-core in the page (it pierces open shadow roots); fails on serious or critical findings. */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  // evaluate() runs through the DevTools protocol, so the panel's CSP (script-src 'self') allows it.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  const bad = (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`,
    ),
    [],
    `accessibility of ${label}`,
  );
}

// A string, not a function: tsx would wrap a named function in a `__name` helper the page lacks.
const VISIBLE_TEXT = `(() => {
  const walk = (root) => [...root.childNodes].map((n) =>
    n.nodeType === Node.TEXT_NODE ? n.textContent : n instanceof Element ? (n.shadowRoot ? walk(n.shadowRoot) : '') + walk(n) : ''
  ).join(' ');
  return walk(document.body).replace(/\\s+/g, ' ').trim();
})()`;

/**
 * Writes test-output/panel/<name>.png and fails on a blank page (one colour only) or a page
 * showing an error (the router's "Not found", a failed load).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  const text = await page.evaluate<string>(VISIBLE_TEXT);
  assert.ok(text.length > 20, `${name}: the page is blank (text: "${text}")`);
  assert.doesNotMatch(
    text,
    /Not found|Something went wrong|is not built/,
    `${name}: the page shows an error`,
  );
  return path;
}

/** The visible text of an element, through shadow roots (Playwright's locators pierce them). */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().innerText()).trim();
}
