import assert from 'node:assert/strict';
import type { WebSocket } from 'playwright-core';
import { launchBrowser, openPage, type PanelBrowser, requireChromium, screenshot } from './browser.js';
import { closeFleet, type SeededHost, seedFleet } from './fleet-seed.js';
import { type IngressProxy, startIngressProxy } from './ingress-proxy.js';
import { type PanelCore, signIn, startPanelCore } from './panel-core.js';

/**
 * Issue 26 §3: the panel in Home Assistant's sidebar. A stand-in for the Supervisor's ingress
 * proxy serves it under /api/hassio_ingress/abc123/ and signs the HA user in with its headers;
 * every asset, API call and the live socket must go through that prefix.
 */
describe('panel: under Home Assistant ingress (Chromium)', function () {
  let pc: PanelCore;
  let proxy: IngressProxy;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];

  before(async function () {
    this.timeout(180_000);
    requireChromium(this);
    // The proxy reaches the core over loopback, so 127.0.0.1 plays the Supervisor's 172.30.32.2.
    pc = await startPanelCore((config) => {
      config.auth.ingress = { enabled: true, trustedProxy: '127.0.0.1', role: 'viewer' };
    });
    hosts = await seedFleet(pc, [
      { hostname: 'nas-01', online: true, packages: [{ plugin: 'apt', name: 'openssl', severity: 'high' }] },
    ]);
    const { hostname, port } = new URL(pc.core.httpUrl);
    proxy = await startIngressProxy(
      { host: hostname, port: Number(port) },
      { id: 'a1b2c3', name: 'lisa', displayName: 'Lisa Simpson' },
    );
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await proxy?.close();
    if (hosts) await closeFleet(hosts);
    await pc?.close();
  });

  it('loads with every asset, API call and the live socket under the prefix, signed in as the HA user', async function () {
    this.timeout(120_000);
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const failed: string[] = [];
    const requested: string[] = [];
    const sockets: WebSocket[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.url()}: ${r.status()}`);
    });
    page.on('websocket', (ws) => sockets.push(ws));
    await page.goto(proxy.url);

    // No sign-in form: the proxy's headers name the user, who starts as a viewer.
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    assert.equal(await page.getByLabel('Password').count(), 0, 'no sign-in page');
    await page.getByText('ha:lisa (viewer)', { exact: true }).waitFor();
    await page.locator('rf-connection-status [data-connection="open"]').waitFor();

    // Hash routes stay under the prefix too.
    await page.getByRole('link', { name: 'Hosts' }).first().click();
    await page.getByRole('link', { name: 'nas-01' }).waitFor();
    assert.ok(page.url().startsWith(`${proxy.url}#/hosts`), page.url());
    await screenshot(page, 'ingress-hosts');

    const origin = new URL(proxy.url).origin;
    const outside = requested.filter((u) => u.startsWith('http') && !u.startsWith(proxy.url));
    assert.deepEqual(outside, [], 'every request goes through the ingress prefix');
    assert.ok(
      requested.some((u) => /\/assets\/.+\.js$/.test(u)),
      'the bundle came through the proxy',
    );
    assert.ok(
      requested.some((u) => u.includes(`${proxy.prefix}/api/v1/`)),
      'API calls came through it',
    );
    assert.deepEqual(failed, [], 'nothing failed to load');
    assert.ok(sockets.length > 0, 'the live socket opened');
    for (const ws of sockets)
      assert.ok(ws.url().startsWith(`${origin.replace('http', 'ws')}${proxy.prefix}/api/v1/live`), ws.url());
    assert.ok(
      proxy.seen.every((p) => p.startsWith(`${proxy.prefix}/`)),
      proxy.seen.join(', '),
    );
    await context.close();
  });

  it('lets an admin promote the HA user in Settings → Users, and the promotion lasts', async function () {
    this.timeout(120_000);
    const admin = await openPage(chromium.browser, `${pc.url}#/settings`);
    await signIn(admin.page);
    const role = admin.page.getByLabel('Role of ha:lisa');
    await role.selectOption('operator');
    await admin.page.getByText('ha:lisa is now operator').waitFor();
    await admin.context.close();

    const { page, context, errors } = await openPage(chromium.browser, proxy.url);
    await page.getByText('ha:lisa (operator)', { exact: true }).waitFor();
    await page.reload();
    await page.getByText('ha:lisa (operator)', { exact: true }).waitFor();
    // And acts as one: a change through the proxy (no cookie, no CSRF token) reaches the host.
    await page.getByRole('link', { name: 'Hosts' }).first().click();
    await page.getByRole('link', { name: 'nas-01' }).click();
    await page.getByRole('button', { name: 'Scan apt now' }).click();
    await hosts[0]!.down!.waitFor((m) => m.type === 'command' && m.payload.type === 'scan');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('serves the card script and the API docs UI (its redirect included) under the prefix', async function () {
    this.timeout(60_000);
    const card = await fetch(`${proxy.url}rf-card.js`);
    assert.equal(card.status, 200);
    assert.match(card.headers.get('content-type') ?? '', /javascript/);

    const { page, context } = await openPage(chromium.browser, `${proxy.url}api/docs/static/index.html`);
    assert.equal(page.url(), `${proxy.url}api/docs/`, 'the redirect kept the prefix');
    await page.getByText('RedFlag API').first().waitFor();
    await context.close();
  });

  it('opens the host an entity links to through Home Assistant’s page for the add-on (release_url)', async function () {
    this.timeout(120_000);
    const host = hosts[0]!.identity.agentId;
    const origin = new URL(proxy.url).origin;
    // What the homeassistant plugin publishes as release_url in the add-on (panel-links.ts).
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${origin}/hassio/ingress/5c53de3b_redflag?redflag=${encodeURIComponent(`/hosts/${host}`)}`,
    );
    const panel = page.frameLocator('iframe[title="RedFlag"]');
    await panel.getByRole('heading', { name: 'nas-01', level: 1 }).waitFor();
    const frame = page.frames().find((f) => f.url().startsWith(proxy.url))!;
    assert.equal(new URL(frame.url()).hash, `#/hosts/${host}`);
    // Within the panel the user moves on as usual; Back leaves the panel rather than reopening the host.
    await panel.getByRole('link', { name: 'Updates' }).first().click();
    await panel.getByRole('heading', { name: 'Updates', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();

    // HA's page with nothing in its query opens the panel where it opens.
    const plain = await openPage(chromium.browser, `${origin}/hassio/ingress/5c53de3b_redflag`);
    const root = plain.page.frameLocator('iframe[title="RedFlag"]');
    await root.getByRole('navigation', { name: 'Main' }).waitFor();
    const rootFrame = plain.page.frames().find((f) => f.url().startsWith(proxy.url))!;
    assert.ok(!rootFrame.url().includes('#/hosts'), rootFrame.url());
    await plain.context.close();
  });
});
