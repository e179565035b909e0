import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  assertAccessible,
  launchBrowser,
  openPage,
  type PanelBrowser,
  PHONE,
  requireChromium,
  screenshot,
} from './browser.js';
import { closeFleet, type SeededHost, seedFleet } from './fleet-seed.js';
import { type PanelCore, signIn, startPanelCore } from './panel-core.js';

/**
 * Issue 26 §3: Home Assistant's phone app shows the panel 390 px wide. The updates and hosts
 * tables become lists of cards with the versions and actions on screen, and the filters fold
 * behind one button. Screenshots go to test-output/panel/ (looked at by a person).
 */
describe('panel: narrow screens, 390 × 844 (Chromium)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];
  // Debian's real version strings are long: these are what got cut off at the right edge.
  const KERNEL = { currentVersion: '6.1.112-1+deb12u1', availableVersion: '6.1.119-1+deb12u2~bpo11+1' };

  before(async function () {
    this.timeout(180_000);
    requireChromium(this);
    pc = await startPanelCore();
    hosts = await seedFleet(pc, [
      {
        hostname: 'media-server-living-room',
        online: true,
        packages: [
          {
            plugin: 'apt',
            name: 'linux-image-6.1.0-28-amd64-unsigned',
            severity: 'critical',
            security: true,
            fields: KERNEL,
          },
          { plugin: 'apt', name: 'openssl', severity: 'high', security: true },
          { plugin: 'apt', name: 'curl', severity: 'low' },
        ],
      },
      {
        hostname: 'db-01',
        online: true,
        packages: [{ plugin: 'apt', name: 'postgresql-15', severity: 'medium' }],
      },
      { hostname: 'cold-spare', online: false },
    ]);
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    if (hosts) await closeFleet(hosts);
    await pc?.close();
  });

  const scrollWidth = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth);

  /** The element's box lies inside the viewport horizontally and is not clipped by a scroller. */
  async function assertOnScreen(page: Page, selector: string, what: string): Promise<void> {
    const el = page.locator(selector).first();
    await el.scrollIntoViewIfNeeded();
    const box = await el.boundingBox();
    assert.ok(box, `${what} is rendered`);
    assert.ok(
      box.x >= 0 && box.x + box.width <= PHONE.width,
      `${what} inside the viewport: ${JSON.stringify(box)}`,
    );
    const clipped = await el.evaluate((node) => {
      // Any ancestor (through shadow roots) that scrolls sideways would hide part of it.
      const r = node.getBoundingClientRect();
      for (let n: Node | null = node.parentNode; n; n = n instanceof ShadowRoot ? n.host : n.parentNode) {
        if (!(n instanceof Element)) continue;
        const p = n.getBoundingClientRect();
        if (n.scrollWidth > n.clientWidth + 1 && (r.right > p.right || r.left < p.left)) return n.tagName;
      }
      return null;
    });
    assert.equal(clipped, null, `${what} is not cut off by a scrolling box`);
  }

  it('updates: cards with host, current → available, severity and actions; filters behind one button', async function () {
    this.timeout(120_000);
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/updates`, PHONE);
    await signIn(page);
    await page.getByRole('heading', { name: 'Updates' }).waitFor();
    const kernel = page.locator('tr', { hasText: 'linux-image-6.1.0-28-amd64-unsigned' });
    await kernel.waitFor();

    // The filters are folded: one button, and the search field is not on screen.
    const filtersButton = page.getByRole('button', { name: /^Filters/ });
    await filtersButton.waitFor();
    assert.equal(await page.getByRole('searchbox', { name: 'Search' }).isVisible(), false, 'filters folded');
    assert.equal(await filtersButton.getAttribute('aria-expanded'), 'false');
    assert.ok((await scrollWidth(page)) <= PHONE.width, `no sideways scrolling: ${await scrollWidth(page)}`);

    // Each row shows host, both versions, severity and its checkbox, all inside the screen.
    assert.match(await kernel.innerText(), /media-server-living-room/);
    assert.match(await kernel.innerText(), /6\.1\.112-1\+deb12u1/);
    await assertOnScreen(page, `tr:has-text("linux-image") td.available`, 'the available version');
    assert.equal(await kernel.locator('td.available').innerText(), KERNEL.availableVersion);
    await assertOnScreen(page, `tr:has-text("linux-image") rf-severity-badge`, 'the severity');
    await assertOnScreen(
      page,
      `input[aria-label="Select linux-image-6.1.0-28-amd64-unsigned on media-server-living-room"]`,
      'the row checkbox',
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'narrow-updates');

    // The button unfolds them; a filter set shows in its count.
    await filtersButton.click();
    assert.equal(await filtersButton.getAttribute('aria-expanded'), 'true');
    await page.getByRole('searchbox', { name: 'Search' }).waitFor();
    await page.getByLabel('Severity').selectOption('critical');
    await page.getByRole('button', { name: 'Filters (1 active)' }).waitFor();
    await page.locator('tr', { hasText: 'openssl' }).waitFor({ state: 'detached' });
    assert.ok((await scrollWidth(page)) <= PHONE.width, 'no sideways scrolling with the filters open');
    await screenshot(page, 'narrow-updates-filters');
    await assertAccessible(page, 'updates page, narrow');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('hosts: cards with status, pending by severity and reboot, inside the screen', async function () {
    this.timeout(120_000);
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts`, PHONE);
    await signIn(page);
    await page.getByRole('link', { name: 'media-server-living-room' }).waitFor();
    assert.ok((await scrollWidth(page)) <= PHONE.width, `no sideways scrolling: ${await scrollWidth(page)}`);
    await assertOnScreen(page, 'tr:has-text("media-server-living-room") .sev-critical', 'the pending badges');
    await assertOnScreen(page, 'tr:has-text("cold-spare") .offline', 'the status');
    // A card, not a squeezed table: the OS is shown, and a long hostname stays on one line.
    const media = page.locator('tr', { hasText: 'media-server-living-room' });
    assert.ok(await media.getByText('Debian GNU/Linux 12').isVisible(), 'the OS is on the card');
    const lines = await media
      .getByRole('link', { name: 'media-server-living-room' })
      .evaluate((a) => a.getClientRects().length);
    assert.equal(lines, 1, 'the hostname is not broken over several lines');
    await screenshot(page, 'narrow-hosts');
    await assertAccessible(page, 'hosts page, narrow');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
