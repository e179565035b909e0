import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { addTestUser, createTestToken } from './api-client.js';

/** Issue 26 §3: Home Assistant ingress signs users in, who start as viewers and keep a promotion. */
describe('API: Home Assistant ingress users and prefix', () => {
  const PROXY = '172.30.32.2';
  const marge = {
    'x-remote-user-id': 'f00d',
    'x-remote-user-name': 'marge',
    'x-remote-user-display-name': 'Marge',
  };
  let core: TestCore;
  let adminToken: string;

  before(async function () {
    this.timeout(120_000);
    // No role configured: the default is where a new Home Assistant user starts.
    core = await startTestCore('PGlite', (config) => {
      config.auth.ingress = { ...config.auth.ingress, enabled: true, trustedProxy: PROXY };
    });
    await addTestUser(core, 'root', 'root password', 'admin');
    adminToken = (await createTestToken(core, 'admin')).token;
  });
  after(() => core.close());

  const session = (remoteAddress: string, headers: Record<string, string> = marge) =>
    core.http.inject({ method: 'GET', url: '/api/v1/auth/session', headers, remoteAddress });

  const relabel = () =>
    core.http.inject({
      method: 'PUT',
      url: '/api/v1/agents/00000000-0000-4000-8000-000000000000/labels',
      headers: marge,
      remoteAddress: PROXY,
      payload: { labels: [] },
    });

  it('ignores the headers from any address but the trusted proxy: nobody is signed in or created', async () => {
    const elsewhere = await session('192.168.1.50', { ...marge, 'x-forwarded-for': PROXY });
    assert.equal(elsewhere.statusCode, 401);
    const users = await core.http.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.ok(!users.json().some((u: { username: string }) => u.username === 'ha:marge'));
  });

  it('signs the mapped user in from the trusted proxy; the first sign-in makes a viewer', async () => {
    const first = await session(PROXY);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().kind, 'ingress');
    assert.equal(first.json().user.username, 'ha:marge');
    assert.equal(first.json().user.role, 'viewer');
    assert.equal((await relabel()).statusCode, 403, 'a viewer may not change a host');
  });

  it('keeps the role an admin promotes the user to on the next requests', async () => {
    const before = await session(PROXY);
    const promoted = await core.http.inject({
      method: 'PATCH',
      url: `/api/v1/users/${before.json().user.id}`,
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { role: 'operator' },
    });
    assert.equal(promoted.statusCode, 200, promoted.body);
    for (let i = 0; i < 2; i++) {
      const next = await session(PROXY);
      assert.equal(next.statusCode, 200);
      assert.equal(next.json().user.role, 'operator', `request ${i + 1} after the promotion`);
    }
    assert.equal((await relabel()).statusCode, 404, 'an operator may: the host just does not exist');
  });

  it('keeps the ingress prefix in redirects to its own paths, from the trusted proxy only', async () => {
    const redirect = (remoteAddress: string) =>
      core.http.inject({
        method: 'GET',
        url: '/api/docs/static/index.html',
        headers: { 'x-ingress-path': '/api/hassio_ingress/abc123' },
        remoteAddress,
      });
    const viaProxy = await redirect(PROXY);
    assert.equal(viaProxy.statusCode, 302);
    assert.equal(viaProxy.headers.location, '/api/hassio_ingress/abc123/api/docs/');
    assert.equal((await redirect('192.168.1.50')).headers.location, '/api/docs/');
    const odd = await core.http.inject({
      method: 'GET',
      url: '/api/docs/static/index.html',
      headers: { 'x-ingress-path': 'https://evil.example/x' },
      remoteAddress: PROXY,
    });
    assert.equal(odd.headers.location, '/api/docs/', 'only a plain path is taken as the prefix');
  });

  it('makes the first user of a fresh add-on (no users at all) its admin, and answers the panel signed in', async () => {
    const fresh = await startTestCore('PGlite', (config) => {
      config.auth.ingress = { ...config.auth.ingress, enabled: true, trustedProxy: PROXY };
    });
    try {
      const status = await fresh.http.inject({
        method: 'GET',
        url: '/api/v1/auth/status',
        headers: marge,
        remoteAddress: PROXY,
      });
      assert.deepEqual(status.json(), { setupRequired: false, signedIn: true });
      const me = await fresh.http.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: { ...marge, 'x-remote-user-name': 'bart', 'x-remote-user-id': 'b0b' },
        remoteAddress: PROXY,
      });
      assert.equal(me.json().user.role, 'viewer', 'the next one starts as a viewer');
      const first = await fresh.db.users.findByUsername('ha:marge');
      assert.equal(first?.role, 'admin');
    } finally {
      await fresh.close();
    }
  });
});
