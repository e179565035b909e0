import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

const DASHBOARD = 'https://homepage.lan';
const DASHY = 'http://dashy.lan:4000';
const FOREIGN = 'https://evil.example';

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-credentials',
];
const corsHeadersOf = (headers: Headers) =>
  Object.fromEntries(CORS_HEADERS.flatMap((h) => (headers.has(h) ? [[h, headers.get(h)]] : [])));

/**
 * http.corsOrigins (issue 5): the card and the dashboard web component on another origin call
 * the API with a bearer token; every other origin gets no CORS header, and the cookie never
 * works across origins.
 */
describe('API CORS for pages on other origins', () => {
  let core: TestCore;
  let api: ApiClient;
  let token: string;

  before(async function () {
    this.timeout(120_000);
    core = await startTestCore('PGlite', (config) => {
      // Written as a person might; matched as a browser sends it.
      config.http.corsOrigins = [DASHBOARD, 'HTTP://Dashy.LAN:4000'];
    });
    api = new ApiClient(core.httpUrl);
    token = (await createTestToken(core, 'viewer', 'dashboard')).token;
  });
  after(() => core.close());

  const preflight = (origin: string, path = '/api/v1/stats') =>
    api.call('OPTIONS', path, {
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });

  it('answers the preflight of an allowed origin, allowing the Authorization header but no credentials', async () => {
    for (const origin of [DASHBOARD, DASHY]) {
      const res = await preflight(origin);
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), origin);
      assert.match(res.headers.get('access-control-allow-methods')!, /\bGET\b/);
      assert.match(res.headers.get('access-control-allow-headers')!, /\bAuthorization\b/);
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
      assert.match(res.headers.get('vary')!, /Origin/);
    }
  });

  it('lets an allowed origin read the API with a bearer token', async () => {
    const res = await api.call('GET', '/api/v1/stats', {
      headers: { origin: DASHBOARD, authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(typeof res.json.agents.total, 'number');
    assert.equal(res.headers.get('access-control-allow-origin'), DASHBOARD);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    // The card's module script loads across origins too (a module needs CORS; it is public: any origin).
    const card = await api.call('GET', '/rf-card.js', { headers: { origin: DASHBOARD } });
    assert.equal(card.status, 200);
    assert.ok(['*', DASHBOARD].includes(card.headers.get('access-control-allow-origin')!));
    // A refusal is readable by the page, so it can say what is wrong.
    const anonymous = await api.call('GET', '/api/v1/stats', { headers: { origin: DASHBOARD } });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('access-control-allow-origin'), DASHBOARD);
  });

  it('never accepts the session cookie from another origin, even an allowed one', async () => {
    await addTestUser(core, 'dash-user', 'dash user password', 'admin');
    const { cookie, csrfToken } = await api.login('dash-user', 'dash user password');
    const read = await api.call('GET', '/api/v1/stats', { headers: { origin: DASHBOARD, cookie } });
    assert.equal(read.status, 401);
    assert.match(read.json.error.message, /Authorization: Bearer only, not the session cookie/);
    const change = await api.call('POST', '/api/v1/api-tokens', {
      body: { name: 'stolen', role: 'admin' },
      headers: { origin: DASHBOARD, cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(change.status, 401);
    assert.equal(
      (await core.db.apiTokens.list()).some((t) => t.name === 'stolen'),
      false,
    );
    // The panel itself (its own origin) keeps using the cookie.
    const own = await api.call('GET', '/api/v1/stats', { headers: { origin: core.httpUrl, cookie } });
    assert.equal(own.status, 200);
    assert.deepEqual(corsHeadersOf(own.headers), {});
  });

  it('gives a foreign origin no CORS header at all', async () => {
    const pre = await preflight(FOREIGN);
    assert.notEqual(pre.status, 204);
    assert.deepEqual(corsHeadersOf(pre.headers), {});
    const res = await api.call('GET', '/api/v1/stats', {
      headers: { origin: FOREIGN, authorization: `Bearer ${token}` },
    });
    assert.deepEqual(corsHeadersOf(res.headers), {});
    // A near miss is foreign too: the list holds exact origins.
    for (const near of [
      'https://homepage.lan:8443',
      'http://homepage.lan',
      'https://homepage.lan.evil.example',
    ])
      assert.deepEqual(corsHeadersOf((await preflight(near)).headers), {}, near);
  });
});

describe('API CORS by default', () => {
  let core: TestCore;
  before(async function () {
    this.timeout(120_000);
    core = await startTestCore('PGlite');
  });
  after(() => core.close());

  it('sends no CORS header to any origin while http.corsOrigins is empty', async () => {
    const api = new ApiClient(core.httpUrl);
    const token = (await createTestToken(core, 'viewer')).token;
    const pre = await api.call('OPTIONS', '/api/v1/stats', {
      headers: { origin: DASHBOARD, 'access-control-request-method': 'GET' },
    });
    assert.deepEqual(corsHeadersOf(pre.headers), {});
    const res = await api.call('GET', '/api/v1/stats', {
      headers: { origin: DASHBOARD, authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(corsHeadersOf(res.headers), {});
  });
});
