import assert from 'node:assert/strict';
import {
  assertAccessible,
  launchBrowser,
  type PanelBrowser,
  PHONE,
  requireChromium,
  screenshot,
} from './browser.js';
import { closeFleet, type SeededHost, seedFleet } from './fleet-seed.js';
import { type PanelCore, startPanelCore } from './panel-core.js';

/** A page with nothing of Home Assistant: the card as a plain web component given a server and a token. */
const barePage = (server: string, token: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Some other dashboard</title>
<script type="module" src="${server}rf-card.js"></script></head>
<body><main><h1>My dashboard</h1>
<rf-card url="${server}" token="${token}" card-title="Fleet"></rf-card>
</main></body></html>`;

describe('panel: the <rf-card> in a bare page (Chromium)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];
  let token: string;

  before(async function () {
    this.timeout(180_000); // a core, seeded agents and a browser start; slow on a loaded 2-core machine
    requireChromium(this);
    pc = await startPanelCore();
    hosts = await seedFleet(pc, [
      {
        hostname: 'vuln-box',
        online: true,
        packages: [{ plugin: 'apt', name: 'openssl', severity: 'high', security: true }],
      },
      { hostname: 'quiet', online: true },
      { hostname: 'lost', online: false },
    ]);
    ({ token } = await pc.api<{ token: string }>('POST', '/api/v1/api-tokens', {
      name: 'card',
      role: 'viewer',
    }));
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await closeFleet(hosts ?? []);
    await pc?.close();
  });

  it('shows the fleet summary and the hosts needing attention, linking into the panel', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 500, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The bare page is served at an address of the core's origin with no cookie: only the token works.
    await page.route(`${pc.url}bare.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: barePage(pc.url, token) }),
    );
    await page.goto(`${pc.url}bare.html`);
    const summary = page.getByRole('list', { name: 'Fleet summary' });
    await summary.waitFor();
    const stats = await pc.api<{ agents: { total: number; online: number }; pending: { total: number } }>(
      'GET',
      '/api/v1/stats',
    );
    const text = await summary.innerText();
    assert.match(text, new RegExp(`${stats.agents.online}/${stats.agents.total}\\s+hosts online`));
    assert.match(text, new RegExp(`${stats.pending.total}\\s+updates pending`));
    const attention = page.getByRole('list', { name: 'Hosts needing attention' });
    assert.match(await attention.innerText(), /lost\s+offline/);
    assert.match(await attention.innerText(), /vuln-box\s+security updates/);
    assert.doesNotMatch(await attention.innerText(), /quiet/);
    const link = attention.getByRole('link', { name: 'lost' });
    assert.equal(await link.getAttribute('href'), `${pc.url}#/hosts/${hosts[2]!.identity.agentId}`);
    await assertAccessible(page, 'card in a bare page');
    await screenshot(page, 'card-bare');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'card-bare-phone');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('is a Lovelace card: refuses a bad config, sizes itself, registers in customCards, has an editor', async () => {
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.route(`${pc.url}bare.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: barePage(pc.url, token) }),
    );
    await page.goto(`${pc.url}bare.html`);
    await page.getByRole('list', { name: 'Fleet summary' }).waitFor();
    const answers = await page.evaluate(`(async () => {
      const Card = customElements.get('rf-card');
      const card = document.createElement('rf-card');
      const refused = [];
      for (const bad of [null, { url: 'not a url' }, { max_hosts: 0 }, { colour: 'red' }]) {
        try { card.setConfig(bad); refused.push('accepted'); } catch (e) { refused.push(e.message); }
      }
      card.setConfig({ type: 'custom:rf-card', url: ${JSON.stringify(pc.url)}, token: ${JSON.stringify(token)} });
      const editor = Card.getConfigElement();
      document.body.append(editor);
      editor.setConfig(Card.getStubConfig());
      await editor.updateComplete;
      const changed = new Promise((resolve) => editor.addEventListener('config-changed', (e) => resolve(e.detail.config)));
      const input = editor.shadowRoot.querySelector('input[type=number]');
      input.value = '3';
      input.dispatchEvent(new Event('change'));
      return {
        refused,
        size: card.getCardSize(),
        grid: card.getGridOptions(),
        stub: Card.getStubConfig(),
        registered: window.customCards.filter((c) => c.type === 'rf-card').length,
        changed: await changed,
      };
    })()`);
    const a = answers as {
      refused: string[];
      size: number;
      grid: { rows: number; columns: number };
      registered: number;
      changed: { max_hosts: number };
    };
    assert.equal(a.refused.length, 4);
    for (const why of a.refused) assert.match(why, /^rf-card: /, 'every bad config throws with a reason');
    assert.ok(a.size >= 3);
    assert.ok(a.grid.columns > 0 && a.grid.columns <= 12 && a.grid.rows > 0);
    assert.equal(a.registered, 1);
    assert.equal(a.changed.max_hosts, 3);
    await context.close();
  });
});
