import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;

/** Issue 5 §1: admins change roles and disable users; someone must always be left to do it. */
describeEachDatabase('API user role changes and disabling', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let admin: Caller;
  const ids = new Map<string, string>();

  const patch = (caller: Caller, username: string, body: unknown) =>
    caller.call('PATCH', `/api/v1/users/${ids.get(username) ?? username}`, body);
  const signIn = (username: string) => api.login(username, `${username} password`);

  before(async function () {
    this.timeout(120_000);
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    for (const [name, role] of [
      ['root', 'admin'],
      ['olga', 'operator'],
      ['vic', 'viewer'],
      ['dana', 'viewer'],
    ] as const) {
      const user = (await addTestUser(core, name, `${name} password`, role)) as { id: string };
      ids.set(name, user.id);
    }
  });
  after(() => core.close());

  it('changes a role, which applies to the user’s open session at once, and records who did it', async () => {
    const { cookie } = await signIn('vic');
    const changed = await patch(admin, 'vic', { role: 'operator' });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    assert.equal(changed.json.role, 'operator');
    assert.equal(changed.json.disabled, false);
    const session = await api.call('GET', '/api/v1/auth/session', { headers: { cookie } });
    assert.equal(session.json.user.role, 'operator');
    const events = await core.db.systemEvents.list({ type: 'security' });
    const event = events.find((e) => e.subtype === 'user_role_changed');
    assert.ok(event, 'no user_role_changed event');
    assert.deepEqual(
      { from: event.metadata.from, to: event.metadata.to, username: event.metadata.username },
      { from: 'viewer', to: 'operator', username: 'vic' },
    );
  });

  it('is for admins only', async () => {
    const operator = api.bearer((await createTestToken(core, 'operator')).token);
    const refused = await patch(operator, 'dana', { role: 'admin' });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'forbidden');
    // A signed-in operator cannot make themselves admin either.
    const { cookie, csrfToken } = await signIn('olga');
    const self = await api.call('PATCH', `/api/v1/users/${ids.get('olga')}`, {
      body: { role: 'admin' },
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(self.status, 403);
    assert.equal((await core.db.users.findByUsername('olga'))!.role, 'operator');
  });

  it('refuses an empty change, an unknown field, an unknown role and an unknown user', async () => {
    assert.equal((await patch(admin, 'dana', {})).status, 400);
    assert.equal((await patch(admin, 'dana', { role: 'root' })).status, 400);
    assert.equal((await patch(admin, 'dana', { password: 'x' })).status, 400);
    const missing = await patch(admin, '00000000-0000-4000-8000-000000000000', { role: 'viewer' });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'not_found');
  });

  it('disables a user: sessions end, sign-in and their API tokens are refused, until enabled again', async () => {
    const { cookie } = await signIn('dana');
    // A token dana made for her scripts while she could.
    const { createApiToken } = await import('../../../core/api/auth/accounts.js');
    const dana = await core.db.users.findByUsername('dana');
    const { token } = await createApiToken(
      core.manage,
      { name: 'dana script', role: 'viewer', userId: dana!.id },
      'dana',
    );
    assert.equal((await api.bearer(token).get('/api/v1/agents')).status, 200);

    const disabled = await patch(admin, 'dana', { disabled: true });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.json.disabled, true);
    assert.equal((await api.call('GET', '/api/v1/auth/session', { headers: { cookie } })).status, 401);
    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { username: 'dana', password: 'dana password' },
    });
    assert.equal(login.status, 401);
    assert.equal((await api.bearer(token).get('/api/v1/agents')).status, 401);
    const events = await core.db.systemEvents.list({ type: 'security' });
    assert.match(
      events.find((e) => e.subtype === 'user_disabled')!.message,
      /dana disabled; 1 session\(s\) ended/,
    );

    assert.equal((await patch(admin, 'dana', { disabled: false })).json.disabled, false);
    await signIn('dana');
    assert.equal((await api.bearer(token).get('/api/v1/agents')).status, 200);
  });

  it('never leaves the fleet without an enabled admin', async () => {
    const lastAdmin = (r: { status: number; json: { error?: { code: string; message: string } } }) => {
      assert.equal(r.status, 409, JSON.stringify(r.json));
      assert.equal(r.json.error!.code, 'last_admin');
      assert.match(r.json.error!.message, /last enabled admin; make another user admin first/);
    };
    lastAdmin(await patch(admin, 'root', { role: 'operator' }));
    lastAdmin(await patch(admin, 'root', { disabled: true }));
    // Changing something else of the last admin is fine.
    assert.equal((await patch(admin, 'root', { role: 'admin', disabled: false })).status, 200);

    // With a second admin, one may step down; then the other is the last.
    assert.equal((await patch(admin, 'olga', { role: 'admin' })).status, 200);
    assert.equal((await patch(admin, 'root', { role: 'viewer' })).status, 200);
    lastAdmin(await patch(admin, 'olga', { disabled: true }));
    // A disabled admin does not count.
    assert.equal((await patch(admin, 'root', { role: 'admin', disabled: true })).status, 200);
    lastAdmin(await patch(admin, 'olga', { role: 'viewer' }));
    assert.equal((await patch(admin, 'root', { disabled: false })).status, 200);
  });

  it('lets only one of two admins demoting each other at the same moment succeed', async () => {
    // root and olga are both enabled admins now.
    const answers = await Promise.all([
      patch(admin, 'root', { role: 'operator' }),
      patch(admin, 'olga', { role: 'operator' }),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
    const admins = (await core.db.users.list()).filter((u) => u.role === 'admin' && !u.disabled);
    assert.equal(admins.length, 1);
  });

  it('promotes a Home Assistant user like any other (auth.ingress.role is only where they start)', async () => {
    const ha = await core.db.users.create({ username: 'ha:bob', passwordHash: null, role: 'viewer' });
    const promoted = await patch(admin, ha!.id, { role: 'admin' });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.json));
    assert.equal(promoted.json.role, 'admin');
    assert.equal((await patch(admin, ha!.id, { disabled: true })).status, 200);
  });
});
