import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerSimAgent } from '../../helpers/sim-agent.js';
import { addTestUser, ApiClient, answersShowing, createTestToken } from './api-client.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describeEachDatabase('API registration tokens', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let admin: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;
  let viewer: ReturnType<ApiClient['bearer']>;
  /** Registration tokens made in this suite: shown in their creation answer only. */
  const secrets = new Set<string>();

  before(async () => {
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
  });
  after(() => core.close());

  async function create(body: Record<string, unknown>) {
    const res = await admin.post('/api/v1/registration-tokens', body);
    if (res.status === 201) {
      secrets.add(res.json.token);
      secrets.add(sha256(res.json.token));
    }
    return res;
  }

  it('enrols agents end to end: create over HTTP, register, seats used, revoke, refused', async () => {
    const created = await create({ label: 'rack 2', seats: 2, expires: '7d' });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { token, install, registrationToken } = created.json;
    assert.match(token, /^rf/);
    assert.ok(install.includes(`--token '${token}'`), install);
    assert.ok(install.startsWith(`curl -fsSL '${core.manage.serverUrl}/install.sh' | sh -s -- `), install);
    assert.equal(registrationToken.label, 'rack 2');
    assert.equal(registrationToken.seatsTotal, 2);
    assert.equal(registrationToken.seatsUsed, 0);
    assert.equal(registrationToken.state, 'usable');
    assert.equal(registrationToken.createdBy?.startsWith('token:'), true);
    const expires = new Date(registrationToken.expiresAt).getTime();
    assert.ok(Math.abs(expires - (Date.now() + 7 * 86_400_000)) < 60_000);

    const first = await registerSimAgent(core.httpUrl, token, { hostname: 'rack2-a' });
    assert.equal(first.status, 201);
    const listed = await admin.get('/api/v1/registration-tokens');
    assert.equal(listed.status, 200);
    const row = listed.json.find((t: { id: string }) => t.id === registrationToken.id);
    assert.equal(row.seatsUsed, 1);
    assert.equal(row.seatsTotal, 2);
    assert.equal(row.uses.registered, 1);
    assert.equal(row.state, 'usable');
    assert.ok(row.uses.lastUsedAt);

    const detail = await admin.get(`/api/v1/registration-tokens/${registrationToken.id}`);
    assert.equal(detail.status, 200);
    assert.deepEqual(
      detail.json.uses.map((u: { agentId: string; outcome: string }) => [u.agentId, u.outcome]),
      [[first.identity!.agentId, 'registered']],
    );

    const revoked = await admin.post(`/api/v1/registration-tokens/${registrationToken.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.json.state, 'revoked');
    assert.ok(revoked.json.revokedAt);
    const again = await admin.post(`/api/v1/registration-tokens/${registrationToken.id}/revoke`);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'already_revoked');

    const refused = await registerSimAgent(core.httpUrl, token, { hostname: 'rack2-b' });
    assert.equal(refused.status, 403);
    const after = (await admin.get('/api/v1/registration-tokens')).json.find(
      (t: { id: string }) => t.id === registrationToken.id,
    );
    assert.equal(after.seatsUsed, 1, 'a refused registration takes no seat');
    assert.equal(after.uses.refused, 1);
    // The agent registered before the revocation keeps working.
    assert.equal((await admin.get(`/api/v1/agents/${first.identity!.agentId}`)).json.status, 'active');

    const events = await admin.get('/api/v1/events?type=enrollment&limit=50');
    const subtypes = events.json.items.map((e: { subtype: string }) => e.subtype);
    assert.ok(subtypes.includes('token_created') && subtypes.includes('token_revoked'), subtypes.join());
  });

  it('shows a used-up token as such and defaults to one seat for 24 hours', async () => {
    const created = await create({ label: 'one host' });
    assert.equal(created.status, 201);
    assert.equal(created.json.registrationToken.seatsTotal, 1);
    const expires = new Date(created.json.registrationToken.expiresAt).getTime();
    assert.ok(Math.abs(expires - (Date.now() + 86_400_000)) < 60_000);
    assert.equal((await registerSimAgent(core.httpUrl, created.json.token)).status, 201);
    const row = (await admin.get('/api/v1/registration-tokens')).json.find(
      (t: { id: string }) => t.id === created.json.registrationToken.id,
    );
    assert.equal(row.state, 'used_up');
  });

  it('refuses bad labels, seats and durations with the allowed values', async () => {
    for (const body of [
      { label: '' },
      { label: 'x', seats: 0 },
      { label: 'x', seats: 10_001 },
      { label: 'x', expires: '3y' },
      { label: 'x', expires: 'soon' },
      { label: 'x', extra: true },
      {},
    ]) {
      const res = await create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.code, 'validation_failed');
    }
    const tooLong = await create({ label: 'x', expires: '400d' });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.json.error.message, /at most 366 days/);
    assert.equal((await create({ label: '   ' })).status, 400, 'a blank label');
    assert.equal((await admin.post(`/api/v1/registration-tokens/${randomUUID()}/revoke`)).status, 404);
    assert.equal((await admin.get(`/api/v1/registration-tokens/${randomUUID()}`)).status, 404);
    assert.equal((await admin.get('/api/v1/registration-tokens/nope')).status, 400);
  });

  it('is for admins only', async () => {
    for (const who of [operator, viewer]) {
      const made = await who.post('/api/v1/registration-tokens', { label: 'sneaky' });
      assert.equal(made.status, 403);
      assert.equal(made.json.error.code, 'forbidden');
      assert.equal((await who.get('/api/v1/registration-tokens')).status, 403);
      assert.equal((await who.post(`/api/v1/registration-tokens/${randomUUID()}/revoke`)).status, 403);
    }
  });

  it('refuses a cookie session without the CSRF token, and accepts it with', async () => {
    await addTestUser(core, 'tokenadmin', 'token admin password', 'admin');
    const { cookie, csrfToken } = await api.login('tokenadmin', 'token admin password');
    secrets.add(cookie.split('=')[1]!);
    const body = { label: 'from the panel' };
    const without = await api.call('POST', '/api/v1/registration-tokens', { body, headers: { cookie } });
    assert.equal(without.status, 403);
    assert.equal(without.json.error.code, 'csrf_failed');
    const ok = await api.call('POST', '/api/v1/registration-tokens', {
      body,
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(ok.status, 201);
    secrets.add(ok.json.token);
    secrets.add(sha256(ok.json.token));
    assert.equal(ok.json.registrationToken.createdBy, 'tokenadmin');
  });

  it('never shows a registration token again after its creation', async () => {
    // Read everything that could carry one, after all the creations.
    for (const path of ['/api/v1/registration-tokens', '/api/v1/events?limit=1000', '/api/v1/agents'])
      assert.equal((await admin.get(path)).status, 200);
    for (const t of (await admin.get('/api/v1/registration-tokens')).json)
      await admin.get(`/api/v1/registration-tokens/${t.id}`);
    assert.ok(secrets.size >= 6);
    // The session cookie is shown where it is set: at login.
    const creation = (a: { method: string; path: string; status: number }) =>
      a.method === 'POST' &&
      ((a.path === '/api/v1/registration-tokens' && a.status === 201) || a.path === '/api/v1/auth/login');
    assert.deepEqual(answersShowing(api.seen, secrets, creation), []);
  });
});
