import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { freePort } from '../helpers/cli.js';
import { startTestCore, type TestCore } from '../helpers/core.js';
import { addTestUser, createTestToken } from '../core/api/api-client.js';
import { launchBrowser, type PanelBrowser, requireChromium } from './browser.js';

/** A dashboard on its own origin (Homepage, Homarr, Dashy) embedding the card from the core. */
const dashboardPage = (core: string, token: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Homelab dashboard</title>
<script type="module" src="${core}/rf-card.js"></script></head>
<body><main><rf-card url="${core}/" token="${token}" card-title="Fleet"></rf-card></main></body></html>`;

/**
 * http.corsOrigins in a real browser: Chromium enforces CORS itself, so the card on an allowed
 * dashboard origin works with its token, and the same page on another origin cannot read a
 * thing. The dashboards are real servers on this host's other ports, as Homepage or Dashy often
 * run beside the core: other origins, but the same site, so the browser does send the core's
 * SameSite cookie to the core from them (the core must not believe it).
 */
describe('panel: the <rf-card> on another origin (Chromium, http.corsOrigins)', function () {
  let core: TestCore;
  let chromium: PanelBrowser;
  let token: string;
  const dashboards: Server[] = [];
  let dashboard = '';
  let elsewhere = '';

  /** A web server of its own serving the dashboard page; answers its origin. */
  async function serveDashboard(port: number): Promise<string> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(dashboardPage(core.httpUrl, token));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    dashboards.push(server);
    return `http://127.0.0.1:${port}`;
  }

  before(async function () {
    this.timeout(180_000);
    requireChromium(this);
    const dashboardPort = await freePort();
    core = await startTestCore('PGlite', (config) => {
      config.http.corsOrigins = [`http://127.0.0.1:${dashboardPort}`];
    });
    token = (await createTestToken(core, 'viewer', 'dashboard card')).token;
    await addTestUser(core, 'dash', 'dash password', 'admin');
    dashboard = await serveDashboard(dashboardPort);
    elsewhere = await serveDashboard(await freePort());
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    for (const server of dashboards) await new Promise((resolve) => server.close(resolve));
    await core?.close();
  });

  async function openDashboard(origin: string) {
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    return { context, page };
  }

  it('shows the fleet on an allowed origin with its bearer token, and nothing on another origin', async () => {
    const allowed = await openDashboard(dashboard);
    const summary = allowed.page.getByRole('list', { name: 'Fleet summary' });
    await summary.waitFor();
    assert.match(await summary.innerText(), /hosts online/);
    // Signed in to the core in the same browser, the page still cannot use that session: the
    // core ignores the cookie from another origin and never allows credentials, so the browser
    // hands the page no answer made with it.
    const login = await allowed.context.request.post(`${core.httpUrl}/api/v1/auth/login`, {
      data: { username: 'dash', password: 'dash password' },
    });
    assert.equal(login.status(), 200);
    const withCookie = await allowed.page.evaluate(
      (url) =>
        fetch(`${url}/api/v1/stats`, { credentials: 'include' }).then(
          (r) => String(r.status),
          (e: Error) => e.name,
        ),
      core.httpUrl,
    );
    assert.equal(withCookie, 'TypeError');
    await allowed.context.close();

    const foreign = await openDashboard(elsewhere);
    const alert = foreign.page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Cannot reach RedFlag/);
    assert.equal(await foreign.page.getByRole('list', { name: 'Fleet summary' }).count(), 0);
    const read = await foreign.page.evaluate(
      (url) =>
        fetch(`${url}/api/v1/stats`, { headers: { authorization: 'Bearer x' } }).then(
          () => 'read',
          (e: Error) => e.name,
        ),
      core.httpUrl,
    );
    assert.equal(read, 'TypeError', 'the browser let a foreign origin read the answer');
    await foreign.context.close();
  });
});
