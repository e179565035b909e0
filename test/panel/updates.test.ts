import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { ingestScan } from '../../core/updates/index.js';
import { answeringAgent } from '../helpers/answering-agent.js';
import { envelope, helloMessage, publishUp, registerSimAgent, scanPackage } from '../helpers/sim-agent.js';
import {
  assertAccessible,
  DESKTOP,
  launchBrowser,
  openPage,
  type PanelBrowser,
  PHONE,
  requireChromium,
  screenshot,
} from './browser.js';
import { waitUntil } from './fleet-seed.js';
import { type PanelCore, signIn, startPanelCore } from './panel-core.js';

interface Item {
  id: string;
  agentId: string;
  hostname: string;
  name: string;
  severity: string;
  status: string;
}

const SEEDED = 100_000;

/** The ids of the rows shown, in order. */
const rowIds = (page: Page) =>
  page
    .getByRole('table', { name: 'Updates' })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));

/** Waits until the pager says where we are ("Rows 1–100 of 100,000"). */
const pagerSays = async (page: Page, text: string | RegExp) => {
  try {
    await page.getByRole('navigation', { name: 'Pages of updates' }).getByText(text).waitFor();
  } catch (err) {
    const said = await page
      .getByRole('navigation', { name: 'Pages of updates' })
      .innerText()
      .catch(() => '?');
    throw new Error(`the pager says "${said}", not ${String(text)}`, { cause: err });
  }
};

const n = (x: number) => x.toLocaleString('en');

describe('panel: updates (Chromium, 100,000 seeded updates)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let seededHosts: Array<{ id: string; hostname: string }>;
  let app: Awaited<ReturnType<typeof answeringAgent>>;
  let appId: string;

  const count = async (query: string) =>
    (await pc.api<{ count: number }>('GET', `/api/v1/updates/count?${query}`)).count;
  const list = async (query: string) =>
    (await pc.api<{ items: Item[]; nextCursor: string | null }>('GET', `/api/v1/updates?${query}`)).items;

  before(async function () {
    this.timeout(300_000); // a 100,000-row seed, an agent and a browser on a loaded 2-core machine
    requireChromium(this);
    pc = await startPanelCore();
    // 100 hosts × 1,000 packages (core/db/repositories/fleet-seed.ts: severities, statuses and plugins spread).
    await pc.core.db.seed.seedFleet({ agents: 100, packagesPerAgent: 1000, hostPrefix: 'fleet' });
    seededHosts = (
      await pc.api<{ items: Array<{ id: string; hostname: string }> }>('GET', '/api/v1/agents?limit=500')
    ).items;

    // A host whose agent speaks the real protocol and answers dry runs with more than was approved.
    const { identity } = await registerSimAgent(pc.core.httpUrl, await pc.core.createToken(), {
      hostname: 'app-01',
    });
    appId = identity!.agentId;
    app = await answeringAgent(pc.core, identity!, {
      dry_run: (params) => ({
        data: {
          transaction: {
            upgrades: (params.packages as Array<{ name: string }>).map((p) => ({
              name: p.name,
              arch: 'amd64',
              fromVersion: '1.0',
              toVersion: '1.1',
            })),
            newPackages: [{ name: 'libnew-dep3', arch: 'amd64', toVersion: '3.0' }],
            removals: [{ name: 'old-daemon', arch: 'amd64', fromVersion: '0.9' }],
            warnings: [],
          },
        },
      }),
      install: (params) => ({
        data: {
          changed: (params.packages as Array<{ name: string }>).map((p) => ({
            name: p.name,
            arch: 'amd64',
            fromVersion: '1.0',
            toVersion: '1.1',
          })),
        },
      }),
    });
    await publishUp(app.client, identity!, 'hello', { ...helloMessage(), hostname: 'app-01' });
    const now = new Date().toISOString();
    const scan = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: ['rf-web-app', 'rf-db-tool', 'rf-cli'].map((name) => scanPackage(name)),
    };
    await publishUp(app.client, identity!, 'scan', scan);
    await app.down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === scan.id);
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await app?.client.endAsync();
    await pc?.close();
  });

  it('shows the whole fleet with its count, filters from the address and survives a reload', async function () {
    this.timeout(120_000);
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/updates?status=any`);
    await signIn(page);
    const total = await count('');
    assert.equal(total, SEEDED + 3);
    await pagerSays(page, `Rows 1–100 of ${n(total)}`);
    assert.deepEqual(
      await rowIds(page),
      (await list('limit=100')).map((i) => i.id),
      'the first page is the API first page (most severe first)',
    );

    await page.getByLabel('Severity').selectOption('critical');
    await page.waitForURL(/severity=critical/);
    const critical = await count('severity=critical');
    await pagerSays(page, `Rows 1–100 of ${n(critical)}`);
    assert.deepEqual(
      await rowIds(page),
      (await list('severity=critical&limit=100')).map((i) => i.id),
    );

    const host = seededHosts.find((h) => h.hostname === 'fleet-00007')!;
    await page.getByLabel('Host').selectOption(host.id);
    await page.getByLabel('Package manager').selectOption('apt');
    const query = `agent=${host.id}&plugin=apt&severity=critical`;
    await pagerSays(page, `Rows 1–${await count(query)} of ${n(await count(query))}`);
    assert.deepEqual(
      await rowIds(page),
      (await list(`${query}&limit=100`)).map((i) => i.id),
    );

    // The debounced search: the address and the rows follow once typing pauses.
    await page.getByLabel('Host').selectOption('');
    await page.getByLabel('Severity').selectOption('high');
    await page.getByRole('searchbox', { name: 'Search' }).pressSequentially('python3-pkg10', { delay: 20 });
    await page.waitForURL(/q=python3-pkg10/);
    const searched = `plugin=apt&severity=high&q=python3-pkg10`;
    const found = await count(searched);
    assert.ok(found > 0);
    await pagerSays(page, new RegExp(`of ${n(found)}$`));
    assert.deepEqual(
      await rowIds(page),
      (await list(`${searched}&limit=100`)).map((i) => i.id),
    );

    // A reload (or a shared link) restores the filter.
    const before = await rowIds(page);
    await page.reload();
    await pagerSays(page, new RegExp(`of ${n(found)}$`));
    assert.deepEqual(await rowIds(page), before);
    assert.equal(await page.getByLabel('Severity').inputValue(), 'high');
    assert.equal(await page.getByRole('searchbox', { name: 'Search' }).inputValue(), 'python3-pkg10');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('pages through the fleet by key: the pages the API walk gives, no row twice, none missing', async function () {
    this.timeout(300_000);
    // 15% of the 100,000 (fleet-seed.ts: critical and high), 1,000 a page: 15 pages and more.
    const query = 'severity=critical,high'; // every state: the panel's status=any
    const expected: string[][] = [];
    for (let cursor: string | null = null; ;) {
      const answer: { items: Item[]; nextCursor: string | null } = await pc.api(
        'GET',
        `/api/v1/updates?${query}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expected.push(answer.items.map((i) => i.id));
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    const total = await count(query);
    assert.equal(expected.flat().length, total);
    assert.ok(total >= 15_000, `${total} rows`);
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/updates?status=any&${query}&limit=1000`,
    );
    await signIn(page);
    const seen: string[][] = [];
    for (let p = 0; ; p++) {
      await pagerSays(page, `Rows ${n(p * 1000 + 1)}–${n(Math.min(total, (p + 1) * 1000))} of ${n(total)}`);
      seen.push(await rowIds(page));
      const next = page.getByRole('button', { name: 'Next' });
      if (await next.isDisabled()) break;
      await next.click();
    }
    assert.deepEqual(seen, expected, 'page for page what the API walk gives');
    assert.equal(new Set(seen.flat()).size, total, 'no row twice and none missing');
    // Back by key too: the previous page is the one seen before.
    await page.getByRole('button', { name: 'Previous' }).click();
    const before = seen.length - 2;
    await pagerSays(page, `Rows ${n(before * 1000 + 1)}–${n((before + 1) * 1000)} of ${n(total)}`);
    assert.deepEqual(await rowIds(page), seen[before]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('sorts by a column header, saying so with aria-sort', async () => {
    const { page, context } = await openPage(chromium.browser, `${pc.url}#/updates?severity=high`);
    await signIn(page);
    await pagerSays(page, /^Rows 1–100 of/);
    const header = (name: string) => page.getByRole('columnheader', { name });
    assert.equal(await header('Severity').getAttribute('aria-sort'), 'descending');
    assert.equal(await header('Package').getAttribute('aria-sort'), 'none');

    await header('Package').getByRole('button').click();
    await page.waitForURL(/sort=name/);
    await waitUntil(async () => (await header('Package').getAttribute('aria-sort')) === 'ascending');
    const open = 'status=pending,approved,checking_dependencies,pending_dependencies,installing,failed';
    const byName = (await list(`${open}&severity=high&sort=name&limit=100`)).map((i) => i.id);
    await waitUntil(
      async () => JSON.stringify(await rowIds(page)) === JSON.stringify(byName),
      'sorted by name',
    );

    await header('Package').getByRole('button').click();
    await page.waitForURL(/order=desc/);
    await waitUntil(async () => (await header('Package').getAttribute('aria-sort')) === 'descending');
    const desc = (await list(`${open}&severity=high&sort=name&order=desc&limit=100`)).map((i) => i.id);
    await waitUntil(async () => JSON.stringify(await rowIds(page)) === JSON.stringify(desc), 'names Z to A');

    await header('Host').getByRole('button').click();
    await page.waitForURL(/sort=host/);
    const byHost = (await list(`${open}&severity=high&sort=host&limit=100`)).map((i) => i.id);
    await waitUntil(
      async () => JSON.stringify(await rowIds(page)) === JSON.stringify(byHost),
      'sorted by host',
    );
    await context.close();
  });

  it('approves the rows ticked, and ignores "all N matching" a filter', async function () {
    this.timeout(120_000);
    const host = seededHosts.find((h) => h.hostname === 'fleet-00012')!;
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/updates?agent=${host.id}&status=pending&sort=name`,
    );
    await signIn(page);
    const query = `agent=${host.id}&status=pending`;
    const matching = await count(query);
    await pagerSays(page, `Rows 1–100 of ${n(matching)}`);
    const first = await list(`${query}&sort=name&limit=3`);
    for (const item of first)
      await page.getByRole('checkbox', { name: `Select ${item.name} on fleet-00012` }).check();
    const bar = page.getByRole('region', { name: 'Selection' });
    await bar.getByText('3 selected.').waitFor();
    await bar.getByRole('button', { name: 'Approve 3' }).click();
    await page.getByRole('region', { name: 'Result' }).getByText('Approved 3.').waitFor();
    for (const item of first) {
      const detail = await pc.api<{ status: string }>('GET', `/api/v1/updates/${item.id}`);
      // This seeded host has no agent connected: the dry run waits, the package is being checked.
      assert.ok(['approved', 'checking_dependencies'].includes(detail.status), detail.status);
    }
    assert.equal(await bar.count(), 0, 'the selection is cleared once done');

    // The header checkbox ticks the page; then "all N matching" takes the filter itself.
    await page.getByLabel('Severity').selectOption('low');
    const lows = `agent=${host.id}&status=pending&severity=low`;
    const lowCount = await count(lows);
    await pagerSays(page, new RegExp(`of ${n(lowCount)}$`));
    await page.getByLabel('Rows per page').selectOption('50');
    await pagerSays(page, `Rows 1–50 of ${n(lowCount)}`);
    assert.ok(lowCount > 50, `${lowCount} low updates, more than a page`);
    await page.getByRole('checkbox', { name: 'Select every update on this page' }).check();
    await bar.getByText('50 selected.').waitFor();
    await bar.getByRole('button', { name: `Select all ${n(lowCount)} matching` }).click();
    await bar.getByText(`All ${n(lowCount)} matching updates selected.`).waitFor();
    await bar.getByRole('button', { name: `Ignore ${n(lowCount)}` }).click();
    await page.getByRole('region', { name: 'Result' }).getByText(`Set aside ${lowCount}.`).waitFor();
    assert.equal(await count(lows), 0);
    assert.equal((await count(`agent=${host.id}&status=ignored&severity=low`)) >= lowCount, true);
    await page.getByText('No updates match.').waitFor(); // the page follows live: they left the filter
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('approve → dry run → dependency dialog → confirm: the status changes live, without a reload', async function () {
    this.timeout(120_000);
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/updates?agent=${appId}&status=any&sort=name`,
    );
    await signIn(page);
    await pagerSays(page, 'Rows 1–3 of 3');
    // A marker a reload would wipe.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const row = (name: string) =>
      page.getByRole('table', { name: 'Updates' }).locator('tbody tr', { hasText: name });

    await page.getByRole('checkbox', { name: 'Select rf-web-app on app-01' }).check();
    await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Approve 1' }).click();
    await row('rf-web-app').getByText('waiting for confirmation').waitFor();
    assert.deepEqual(
      app.received.map((r) => r.type),
      ['dry_run'],
    );

    // Ticked meanwhile and kept through the live reloads.
    await page.getByRole('checkbox', { name: 'Select rf-cli on app-01' }).check();

    await row('rf-web-app')
      .getByRole('button', { name: 'Review dependencies of rf-web-app on app-01' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the apt install on app-01' });
    await dialog.waitFor();
    const added = dialog.getByRole('list', { name: 'New packages (dependencies)' });
    await added.getByText('libnew-dep3').waitFor();
    assert.match(await added.innerText(), /new[\s\S]*libnew-dep3/);
    assert.match(
      await dialog.getByRole('list', { name: 'Removals' }).innerText(),
      /removed[\s\S]*old-daemon/,
    );
    assert.match(await dialog.getByRole('list', { name: 'Approved upgrades' }).innerText(), /rf-web-app/);
    await assertAccessible(page, 'install dialog');
    await screenshot(page, 'install-dialog-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'install-dialog-phone');
    await page.setViewportSize(DESKTOP);

    // Tab stays inside the modal dialog.
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      assert.equal(
        await page.evaluate(() => {
          let el: Element | null = document.activeElement;
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
          return !!el?.closest('dialog');
        }),
        true,
        `focus inside the dialog after ${i + 1} Tab`,
      );
    }
    // Escape closes it, nothing decided.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(
      (
        await pc.api<{ status: string }>(
          'GET',
          `/api/v1/updates/${(await list(`agent=${appId}&q=rf-web-app`))[0]!.id}`,
        )
      ).status,
      'pending_dependencies',
    );

    await row('rf-web-app')
      .getByRole('button', { name: /Review dependencies/ })
      .click();
    await dialog.getByRole('button', { name: 'Confirm and install' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('rf-web-app').getByText('updated').waitFor();
    assert.deepEqual(
      app.received.map((r) => r.type),
      ['dry_run', 'install'],
    );
    const install = app.received[1]!.params as { expected: { newPackages: Array<{ name: string }> } };
    assert.equal(
      install.expected.newPackages[0]?.name,
      'libnew-dep3',
      'the install carries the confirmed transaction',
    );
    assert.equal(
      await page.getByRole('checkbox', { name: 'Select rf-cli on app-01' }).isChecked(),
      true,
      'selection kept',
    );

    // Reject puts it back to pending, live too.
    await page.getByRole('checkbox', { name: 'Select rf-cli on app-01' }).uncheck();
    await page.getByRole('checkbox', { name: 'Select rf-db-tool on app-01' }).check();
    await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Approve 1' }).click();
    await row('rf-db-tool').getByText('waiting for confirmation').waitFor();
    await row('rf-db-tool')
      .getByRole('button', { name: /Review dependencies/ })
      .click();
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('rf-db-tool').getByText('pending').waitFor();
    assert.equal((await list(`agent=${appId}&q=rf-db-tool`))[0]!.status, 'pending');
    assert.equal(
      await page.evaluate(() => (window as unknown as { marker?: number }).marker),
      42,
      'never reloaded',
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('keeps the scroll and the selection while a scan changes the rows shown', async function () {
    this.timeout(120_000);
    const host = seededHosts.find((h) => h.hostname === 'fleet-00003')!;
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/updates?agent=${host.id}&status=any&sort=name&limit=500`,
    );
    await signIn(page);
    await pagerSays(page, 'Rows 1–500 of 1,000');
    const ids = await rowIds(page);
    const deep = page.locator(`tr[data-id="${ids[300]}"] input[type=checkbox]`);
    await deep.scrollIntoViewIfNeeded();
    await deep.check();
    const scrolled = await page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 1000, `scrolled to ${scrolled}`);
    const now = new Date().toISOString();
    // With the bus, as the MQTT handler calls it: the page hears scan.ingested.
    await ingestScan({ ...pc.core, bus: pc.core.live }, host.id, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: false,
      startedAt: now,
      finishedAt: now,
      packages: [
        {
          plugin: 'apt',
          name: 'aaa-first-by-name',
          arch: 'amd64',
          currentVersion: '1',
          availableVersion: '2',
          severity: 'critical',
          source: 'x',
          security: false,
          metadata: {},
        },
      ],
    });
    await pagerSays(page, 'Rows 1–500 of 1,001');
    await page
      .getByRole('table', { name: 'Updates' })
      .locator('tbody tr')
      .first()
      .getByText('aaa-first-by-name')
      .waitFor();
    assert.equal(await deep.isChecked(), true, 'the ticked row stays ticked');
    // Not thrown back to the top: the ticked row is still on screen (the browser anchors the scroll).
    assert.ok((await page.evaluate(() => window.scrollY)) > 1000, 'still scrolled down');
    const box = (await deep.boundingBox())!;
    assert.ok(box.y >= 0 && box.y < PHONE.height, `the ticked row is on screen (y ${box.y})`);
    await assertAccessible(page, 'updates page');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'updates-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'updates-phone');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
