import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { HassEntity } from '../../panel/src/data/card-hass.js';
import type { FleetPackage } from '../../plugins/sdk/index.js';
import {
  assertAccessible,
  launchBrowser,
  type PanelBrowser,
  PHONE,
  requireChromium,
  screenshot,
} from './browser.js';
import { agent, container, hassStates, pkg, published, view } from './ha-stand-in.js';

const CARD = new URL('../../panel/dist/rf-card.js', import.meta.url);
const HA = 'http://ha.test:8123/';

/**
 * A page playing Home Assistant's part for a Lovelace card: it loads the card's module as a
 * dashboard resource, creates the card as Lovelace does (setConfig, then `hass`), and records
 * every service call. Nothing of RedFlag runs: no core, no token.
 */
const haPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Home Assistant</title>
<script type="module" src="/local/rf-card.js"></script></head>
<body><main><h1>Overview</h1><div id="dashboard"></div></main>
<script>
  window.serviceCalls = [];
  window.makeHass = (states) => ({
    states,
    language: 'en',
    callService: async (domain, service, data) => { window.serviceCalls.push({ domain, service, data }); },
  });
</script></body></html>`;

// The fleet, through the plugin's own builders (ha-stand-in.ts).
const web = agent('web-01');
const db = agent('db-01');
const nas = agent('nas-01', { rebootRequired: true });
const lost = agent('lost-01', { online: false });
const webPackages = (status = 'pending'): FleetPackage[] => [
  pkg(web, 'openssl', { security: true, severity: 'critical', availableVersion: '3.0.15', status }),
  pkg(web, 'curl', { availableVersion: '7.88.1', status }),
  pkg(web, 'zlib1g', { availableVersion: '1.3', status }),
];
const nasContainers = [container(nas, 'nginx', 'docker.io/library/nginx', '1.27')];
/** Home Assistant's own update entity: looks alike, is not RedFlag's. */
const haCore: HassEntity = {
  entity_id: 'update.home_assistant_core_update',
  state: 'on',
  attributes: {
    installed_version: '2026.11.3',
    latest_version: '2026.12.0',
    title: 'Home Assistant Core',
    in_progress: false,
    supported_features: 1,
    friendly_name: 'Home Assistant Core Update',
  },
};

function states(webStatus = 'pending', percent: number | null = null, panelUrl?: string) {
  return hassStates(
    published(
      [
        view(web, webPackages(webStatus)),
        view(db, [pkg(db, 'bash', { status: 'updated' })]),
        view(nas, [], nasContainers),
        view(lost, []),
      ],
      percent,
      panelUrl,
    ),
    [haCore],
  );
}

describe('panel: the <rf-card> inside Home Assistant (Chromium, HA played by a page)', function () {
  let chromium: PanelBrowser;

  before(async function () {
    this.timeout(120_000);
    requireChromium(this);
    if (!existsSync(CARD)) throw new Error('panel/dist/rf-card.js is missing: run `npm run build:panel`');
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
  });

  async function openHa(viewport = { width: 500, height: 800 }) {
    const context = await chromium.browser.newContext({ viewport });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Home Assistant serves the resource; nothing else may be fetched (no RedFlag API).
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route(`${HA}**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/local/rf-card.js')
        return route.fulfill({ contentType: 'text/javascript', body: readFileSync(CARD, 'utf8') });
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: haPage });
      return route.fulfill({ status: 404, body: 'not here' });
    });
    await page.goto(HA);
    await page.waitForFunction(() => !!customElements.get('rf-card'));
    return { context, page, errors, requests };
  }

  /** Lovelace's way: the card picker's stub config (or the user's), then `hass`, then the DOM. */
  async function addCard(
    page: Page,
    config: Record<string, unknown> | null,
    hass: Record<string, HassEntity>,
  ) {
    await page.evaluate(
      ([config, states]) => {
        const Card = customElements.get('rf-card') as unknown as { getStubConfig(): unknown };
        const card = document.createElement('rf-card') as unknown as HTMLElement & Record<string, unknown>;
        (card.setConfig as (c: unknown) => void)(config ?? Card.getStubConfig());
        card.hass = (window as unknown as { makeHass(s: unknown): unknown }).makeHass(states);
        document.getElementById('dashboard')!.append(card);
      },
      [config, hass] as const,
    );
  }

  const setStates = (page: Page, hass: Record<string, HassEntity>) =>
    page.evaluate((states) => {
      const card = document.querySelector('rf-card') as unknown as HTMLElement & Record<string, unknown>;
      card.hass = (window as unknown as { makeHass(s: unknown): unknown }).makeHass(states);
    }, hass);

  it('opens a host in the add-on’s panel with Home Assistant’s own route change, not a reload', async () => {
    const { context, page, errors } = await openHa();
    // HA's frontend routes on pushState + `location-changed` (its navigate()); a reload would lose this.
    await page.evaluate(() => {
      const w = window as unknown as { routes: string[] };
      w.routes = [];
      window.addEventListener('location-changed', () => w.routes.push(location.pathname + location.search));
    });
    // In the add-on, release_url is HA's own page for the panel (plugins/homeassistant/panel-links.ts).
    await addCard(page, null, states('pending', null, `${HA}hassio/ingress/5c53de3b_redflag`));
    await page.getByRole('link', { name: 'web-01' }).click();
    const route = `/hassio/ingress/5c53de3b_redflag?redflag=${encodeURIComponent(`/hosts/${web.id}`)}`;
    assert.deepEqual(await page.evaluate(() => (window as unknown as { routes: string[] }).routes), [route]);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, route);
    await page.getByRole('link', { name: 'web-01' }).waitFor(); // the same page: the card is still there
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows the hosts with pending updates from hass, with no token and no call to RedFlag', async () => {
    const { context, page, errors, requests } = await openHa();
    await addCard(page, null, states());
    const summary = page.getByRole('list', { name: 'Fleet summary' });
    await summary.waitFor();
    const figures = await summary.innerText();
    assert.match(figures, /3\/4\s+hosts online/);
    assert.match(figures, /3\s+updates pending/);
    assert.match(figures, /1\s+security/);
    assert.match(figures, /1\s+reboots needed/);
    const list = page.getByRole('list', { name: 'Hosts with pending updates' });
    const text = await list.innerText();
    assert.match(text, /web-01\s+3 pending, 1 security/);
    assert.match(text, /3 updates, 1 security: openssl 3\.0\.15/, 'the release summary');
    assert.match(text, /nas-01[^]*reboot required[^]*Container nginx/);
    assert.match(text, /lost-01\s+offline/);
    assert.doesNotMatch(text, /db-01/, 'an up-to-date host is not listed');
    assert.doesNotMatch(text, /Home Assistant Core/, 'HA’s own update entity is not RedFlag’s');
    assert.equal(
      await list.getByRole('link', { name: 'web-01' }).getAttribute('href'),
      `http://redflag.lan:8080/#/hosts/${web.id}`,
    );
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(HA)),
      [],
      'only Home Assistant was asked for anything',
    );
    await assertAccessible(page, 'card inside Home Assistant');
    await screenshot(page, 'card-hass');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'card-hass-phone');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('installs through Home Assistant’s update.install with the entity’s id', async () => {
    const { context, page, errors } = await openHa();
    const hass = states();
    await addCard(page, { type: 'custom:rf-card', title: 'Updates' }, hass);
    await page.getByRole('button', { name: 'Install packages updates on web-01' }).click();
    await page.getByRole('button', { name: 'Install container nginx updates on nas-01' }).click();
    const calls = await page.evaluate(() => (window as unknown as { serviceCalls: unknown[] }).serviceCalls);
    const entityOf = (hostId: string, kind: string) =>
      Object.values(hass).find(
        (e) => e.attributes.redflag_host_id === hostId && e.attributes.redflag_entity === kind,
      )!.entity_id;
    assert.equal(entityOf(web.id, 'os'), 'update.web_01_packages', 'HA’s own naming of the entity');
    assert.deepEqual(calls, [
      { domain: 'update', service: 'install', data: { entity_id: 'update.web_01_packages' } },
      { domain: 'update', service: 'install', data: { entity_id: entityOf(nas.id, 'container') } },
    ]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows an install in progress from the entity’s state, with its percentage', async () => {
    const { context, page, errors } = await openHa();
    await addCard(page, null, states());
    await page.getByRole('button', { name: 'Install packages updates on web-01' }).waitFor();
    // RedFlag publishes in_progress and update_percentage; HA hands the card a new hass.
    await setStates(page, states('installing', 42));
    const bar = page.getByRole('progressbar', { name: 'Installing on web-01' });
    await bar.waitFor();
    assert.equal(await bar.evaluate((el) => (el as HTMLProgressElement).value), 42);
    assert.match(
      await page.getByRole('list', { name: 'Hosts with pending updates' }).innerText(),
      /Installing… 42%/,
    );
    assert.equal(
      await page.getByRole('button', { name: 'Install packages updates on web-01' }).count(),
      0,
      'no second Install while one runs',
    );
    await screenshot(page, 'card-hass-installing');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('is a Lovelace card there too: stub config, size, customCards, and an editor that sees the fleet', async () => {
    const { context, page, errors } = await openHa();
    await addCard(page, null, states());
    await page.getByRole('list', { name: 'Hosts with pending updates' }).waitFor();
    const answers = await page.evaluate(async (given) => {
      const Card = customElements.get('rf-card') as unknown as {
        getStubConfig(): Record<string, unknown>;
        getConfigElement(): HTMLElement & Record<string, unknown>;
      };
      const card = document.querySelector('rf-card') as unknown as {
        getCardSize(): number;
        getGridOptions(): { rows: number; columns: number };
      };
      const editor = Card.getConfigElement();
      editor.hass = (window as unknown as { makeHass(s: unknown): unknown }).makeHass(given);
      (editor.setConfig as (c: unknown) => void)(Card.getStubConfig());
      document.body.append(editor);
      await (editor.updateComplete as Promise<unknown>);
      const changed = new Promise((resolve) =>
        editor.addEventListener('config-changed', (e) => resolve((e as CustomEvent).detail.config)),
      );
      const input = editor.shadowRoot!.querySelector('input[type=text]') as HTMLInputElement;
      input.value = 'Fleet';
      input.dispatchEvent(new Event('change'));
      const w = window as unknown as { customCards: Array<{ type: string; preview?: boolean }> };
      return {
        stub: Card.getStubConfig(),
        size: card.getCardSize(),
        grid: card.getGridOptions(),
        registered: w.customCards.filter((c) => c.type === 'rf-card'),
        note: editor.shadowRoot!.querySelector('[role=status]')?.textContent ?? '',
        changed: await changed,
      };
    }, states());
    assert.deepEqual(answers.stub, { title: 'RedFlag', max_hosts: 5 }, 'no address or token needed');
    assert.equal(answers.size, 3 + 3, 'heading and figures, and the three hosts listed');
    assert.ok(answers.grid.columns > 0 && answers.grid.columns <= 12 && answers.grid.rows > 0);
    assert.deepEqual(answers.registered, [
      {
        type: 'rf-card',
        name: 'RedFlag',
        description: 'Pending updates of your fleet and the hosts needing attention, with Install',
        preview: true,
      },
    ]);
    assert.match(answers.note, /Home Assistant knows 4 RedFlag hosts/);
    assert.deepEqual(answers.changed, { title: 'Fleet', max_hosts: 5 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('reads RedFlag’s API instead when the card is given a token, even inside Home Assistant', async () => {
    const { context, page, requests } = await openHa();
    await page.route('http://redflag.test:8080/**', (route) => route.fulfill({ status: 503, body: 'down' }));
    await addCard(page, { url: 'http://redflag.test:8080/', token: 'rfat_card' }, states());
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Cannot reach RedFlag/);
    assert.ok(
      requests.some((u) => u.startsWith('http://redflag.test:8080/api/v1/')),
      'the API was asked',
    );
    assert.equal(await page.getByRole('list', { name: 'Hosts with pending updates' }).count(), 0);
    await context.close();
  });
});
