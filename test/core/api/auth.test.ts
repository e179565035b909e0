import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

describeEachDatabase('API users and access', (target) => {
  let core: TestCore;
  let api: ApiClient;
  /** Every secret this suite handled; none may appear in an answer except where it was created. */
  const secrets = new Set<string>();
  /** Answers allowed to carry a secret: its one-time display at creation. */
  const creations = new Set<number>();

  before(async () => {
    core = await startTestCore(target.name, (config) => {
      config.auth.maxFailures = 3;
    });
    api = new ApiClient(core.httpUrl);
  });
  after(() => core.close());

  describe('first start', () => {
    it('issues a setup token and reports that setup is required', async () => {
      assert.match(core.setupToken ?? '', /^rfsetup_[A-Za-z0-9_-]{43}$/);
      secrets.add(core.setupToken!);
      const status = await api.call('GET', '/api/v1/auth/status');
      assert.deepEqual(status.json, { setupRequired: true, signedIn: false });
    });

    it('lets nobody in before setup', async () => {
      const res = await api.call('GET', '/api/v1/agents');
      assert.equal(res.status, 401);
      assert.equal(res.json.error.code, 'unauthenticated');
    });

    it('refuses a wrong setup token and creates the first admin with the right one, once', async () => {
      const wrong = await api.call('POST', '/api/v1/auth/setup', {
        body: { token: 'rfsetup_wrong', username: 'root', password: 'correct horse' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error.code, 'invalid_setup_token');

      secrets.add('correct horse battery');
      const ok = await api.call('POST', '/api/v1/auth/setup', {
        body: { token: core.setupToken, username: 'root', password: 'correct horse battery' },
      });
      assert.equal(ok.status, 201);
      assert.equal(ok.json.user.username, 'root');
      assert.equal(ok.json.user.role, 'admin');
      assert.equal(ok.json.user.passwordHash, undefined);

      const again = await api.call('POST', '/api/v1/auth/setup', {
        body: { token: core.setupToken, username: 'root2', password: 'correct horse battery' },
      });
      assert.equal(again.status, 409);
      assert.equal((await api.call('GET', '/api/v1/auth/status')).json.setupRequired, false);
    });
  });

  describe('sessions', () => {
    it('sets an httpOnly SameSite=Strict cookie and answers who is signed in', async () => {
      const { cookie, csrfToken, setCookie } = await api.login('root', 'correct horse battery');
      creations.add(api.seen.length - 1);
      secrets.add(cookie.split('=')[1]!);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Strict/);
      assert.match(setCookie, /Path=\//);
      const me = await api.call('GET', '/api/v1/auth/session', { headers: { cookie } });
      assert.equal(me.status, 200);
      assert.deepEqual(me.json.user.role, 'admin');
      assert.equal(me.json.user.username, 'root');
      assert.equal(me.json.csrfToken, csrfToken);
    });

    it('refuses a state-changing request without the CSRF header, and accepts it with', async () => {
      const { cookie, csrfToken } = await api.login('root', 'correct horse battery');
      creations.add(api.seen.length - 1);
      secrets.add(cookie.split('=')[1]!);
      const body = { name: 'from the panel', role: 'viewer' };
      const without = await api.call('POST', '/api/v1/api-tokens', { body, headers: { cookie } });
      assert.equal(without.status, 403);
      assert.equal(without.json.error.code, 'csrf_failed');
      const wrong = await api.call('POST', '/api/v1/api-tokens', {
        body,
        headers: { cookie, 'x-csrf-token': 'not-it' },
      });
      assert.equal(wrong.status, 403);
      const ok = await api.call('POST', '/api/v1/api-tokens', {
        body,
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(ok.status, 201);
      creations.add(api.seen.length - 1);
      secrets.add(ok.json.token);
      // Reading needs no CSRF header.
      assert.equal((await api.call('GET', '/api/v1/api-tokens', { headers: { cookie } })).status, 200);
    });

    it('ends the session at logout', async () => {
      const { cookie, csrfToken } = await api.login('root', 'correct horse battery');
      creations.add(api.seen.length - 1);
      secrets.add(cookie.split('=')[1]!);
      const out = await api.call('POST', '/api/v1/auth/logout', {
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
      assert.equal((await api.call('GET', '/api/v1/auth/session', { headers: { cookie } })).status, 401);
    });

    it('ends every session of a user whose password changes', async () => {
      await addTestUser(core, 'carol', 'carol password', 'viewer');
      secrets.add('carol password');
      const { cookie } = await api.login('carol', 'carol password');
      creations.add(api.seen.length - 1);
      secrets.add(cookie.split('=')[1]!);
      const { adminOperations } = await import('../../../core/api/index.js');
      await adminOperations.userPasswd.run(core.manage, {
        params: {},
        body: { username: 'carol', password: 'carol new password' },
        by: 'test',
      });
      secrets.add('carol new password');
      assert.equal((await api.call('GET', '/api/v1/auth/session', { headers: { cookie } })).status, 401);
      await api.login('carol', 'carol new password');
      creations.add(api.seen.length - 1);
    });
  });

  describe('bearer API tokens', () => {
    it('authenticate, record their last use, and answer 401 once revoked', async () => {
      const { token, id } = await createTestToken(core, 'viewer');
      secrets.add(token);
      const before = await core.db.apiTokens.findById(id);
      assert.equal(before?.lastUsedAt, null);
      const client = api.bearer(token);
      assert.equal((await client.get('/api/v1/agents')).status, 200);
      const used = await core.db.apiTokens.findById(id);
      assert.ok(used?.lastUsedAt instanceof Date);

      const admin = await createTestToken(core, 'admin');
      secrets.add(admin.token);
      const list = await api.bearer(admin.token).get('/api/v1/api-tokens');
      const listed = list.json.find((t: { id: string }) => t.id === id);
      assert.ok(listed.lastUsedAt);
      assert.equal(listed.token, undefined);
      const revoked = await api.bearer(admin.token).post(`/api/v1/api-tokens/${id}/revoke`);
      assert.equal(revoked.status, 200);
      const after = await client.get('/api/v1/agents');
      assert.equal(after.status, 401);
      assert.equal(after.json.error.code, 'unauthenticated');
    });

    it('refuses a malformed Authorization header and an unknown token', async () => {
      assert.equal(
        (await api.call('GET', '/api/v1/agents', { headers: { authorization: 'Basic x' } })).status,
        401,
      );
      assert.equal((await api.bearer('rfat_nope').get('/api/v1/agents')).status, 401);
    });

    it('need no CSRF header for changes', async () => {
      const { token } = await createTestToken(core, 'admin');
      secrets.add(token);
      const res = await api.bearer(token).post('/api/v1/users', {
        username: 'dave',
        password: 'dave password',
        role: 'operator',
      });
      secrets.add('dave password');
      assert.equal(res.status, 201);
      assert.equal(res.json.role, 'operator');
    });
  });

  describe('roles', () => {
    it('let each role do its work and refuse the rest with 403', async () => {
      const tokens = {
        viewer: (await createTestToken(core, 'viewer')).token,
        operator: (await createTestToken(core, 'operator')).token,
        admin: (await createTestToken(core, 'admin')).token,
      };
      Object.values(tokens).forEach((t) => secrets.add(t));
      const missing = '00000000-0000-4000-8000-000000000000';
      const cases: Array<{
        method: 'get' | 'post';
        path: string;
        body?: unknown;
        allowed: keyof typeof tokens;
      }> = [
        { method: 'get', path: '/api/v1/agents', allowed: 'viewer' },
        { method: 'get', path: '/api/v1/events', allowed: 'viewer' },
        { method: 'get', path: '/api/v1/updates', allowed: 'viewer' },
        {
          method: 'post',
          path: '/api/v1/commands',
          body: { agentId: missing, type: 'scan' },
          allowed: 'operator',
        },
        { method: 'post', path: `/api/v1/commands/${missing}/cancel`, allowed: 'operator' },
        {
          method: 'post',
          path: '/api/v1/updates/approve',
          body: { packages: [{ agentId: missing, plugin: 'apt', name: 'curl' }] },
          allowed: 'operator',
        },
        { method: 'post', path: `/api/v1/agents/${missing}/revoke`, allowed: 'admin' },
        { method: 'post', path: `/api/v1/agents/${missing}/rebind`, allowed: 'admin' },
        { method: 'get', path: '/api/v1/users', allowed: 'admin' },
        { method: 'get', path: '/api/v1/api-tokens', allowed: 'admin' },
      ];
      const order = ['viewer', 'operator', 'admin'] as const;
      for (const c of cases) {
        for (const role of order) {
          const client = api.bearer(tokens[role]);
          const res = c.method === 'get' ? await client.get(c.path) : await client.post(c.path, c.body ?? {});
          const mayDo = order.indexOf(role) >= order.indexOf(c.allowed);
          if (mayDo)
            assert.notEqual(res.status, 403, `${role} ${c.method} ${c.path}: ${JSON.stringify(res.json)}`);
          else {
            assert.equal(res.status, 403, `${role} ${c.method} ${c.path}`);
            assert.equal(res.json.error.code, 'forbidden');
          }
        }
      }
    });
  });

  describe('rate limits', () => {
    it('answers 429 after repeated failed logins from one address and records a security event', async () => {
      const before = new Date(Date.now() - 1000);
      for (let i = 0; i < 3; i++)
        assert.equal(
          (
            await api.call('POST', '/api/v1/auth/login', {
              body: { username: 'root', password: `guess ${i}` },
            })
          ).status,
          401,
        );
      const blocked = await api.call('POST', '/api/v1/auth/login', {
        body: { username: 'root', password: 'correct horse battery' },
      });
      assert.equal(blocked.status, 429);
      assert.equal(blocked.json.error.code, 'too_many_failures');
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      const events = await core.db.systemEvents.list({ type: 'security', since: before });
      assert.ok(
        events.some((e) => e.subtype === 'too_many_failures'),
        JSON.stringify(events.map((e) => e.subtype)),
      );
      assert.ok(events.some((e) => e.subtype === 'rate_limited'));
    });

    it('limits failed registrations per address too', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await api.call('POST', '/api/v1/agents/register', {
          body: {
            token: 'rf1_not-a-token',
            publicKey: `${'A'.repeat(43)}=`,
            machineIdHash: 'a'.repeat(64),
            hostname: 'h',
            os: 'l',
            arch: 'x',
            agentVersion: '1',
            macAddresses: [],
          },
        });
        assert.ok(
          [400, 401, 403].includes(res.status),
          `attempt ${i}: ${res.status} ${JSON.stringify(res.json)}`,
        );
      }
      const blocked = await api.call('POST', '/api/v1/agents/register', { body: {} });
      assert.equal(blocked.status, 429);
    });
  });

  describe('Home Assistant ingress', () => {
    const haHeaders = {
      'x-remote-user-id': 'abc123',
      'x-remote-user-name': 'homer',
      'x-remote-user-display-name': 'Homer',
    };

    it('ignores the headers while ingress is off, even from the proxy address', async () => {
      const res = await core.http.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        headers: haHeaders,
        remoteAddress: '172.30.32.2',
      });
      assert.equal(res.statusCode, 401);
    });

    it('trusts them from the configured proxy only', async () => {
      const ha = await startTestCore(target.name, (config) => {
        config.auth.ingress = { enabled: true, trustedProxy: '172.30.32.2', role: 'operator' };
      });
      try {
        // Not a fresh add-on: its first Home Assistant user would administer it (ingress.test.ts).
        await addTestUser(ha, 'root', 'root password', 'admin');
        const fromProxy = await ha.http.inject({
          method: 'GET',
          url: '/api/v1/auth/session',
          headers: haHeaders,
          remoteAddress: '172.30.32.2',
        });
        assert.equal(fromProxy.statusCode, 200, fromProxy.body);
        assert.equal(fromProxy.json().user.username, 'ha:homer');
        assert.equal(fromProxy.json().user.role, 'operator');
        assert.equal(fromProxy.json().kind, 'ingress');

        const elsewhere = await ha.http.inject({
          method: 'GET',
          url: '/api/v1/auth/session',
          headers: { ...haHeaders, 'x-forwarded-for': '172.30.32.2' },
          remoteAddress: '192.168.1.50',
        });
        assert.equal(elsewhere.statusCode, 401);
        // Over the network (loopback here), the headers are ignored too.
        const overHttp = await new ApiClient(ha.httpUrl).call('GET', '/api/v1/auth/session', {
          headers: haHeaders,
        });
        assert.equal(overHttp.status, 401);

        // An operator may not revoke agents, whoever HA says they are.
        const revoke = await ha.http.inject({
          method: 'POST',
          url: '/api/v1/agents/00000000-0000-4000-8000-000000000000/revoke',
          headers: haHeaders,
          remoteAddress: '172.30.32.2',
        });
        assert.equal(revoke.statusCode, 403);
      } finally {
        await ha.close();
      }
    });
  });

  describe('secrets', () => {
    it('never appear in an answer other than their one-time display', async () => {
      // Hashes of the secrets as stored, too.
      const { createHash } = await import('node:crypto');
      for (const s of [...secrets]) secrets.add(createHash('sha256').update(s).digest('hex'));
      // Make sure listings were seen after all the creations.
      const admin = await createTestToken(core, 'admin');
      secrets.add(admin.token);
      secrets.add(createHash('sha256').update(admin.token).digest('hex'));
      for (const path of [
        '/api/v1/users',
        '/api/v1/api-tokens',
        '/api/v1/events?limit=1000',
        '/api/v1/auth/session',
      ])
        await api.bearer(admin.token).get(path);
      assert.ok(secrets.size > 10);
      assert.ok(api.seen.length > 30);
      api.seen.forEach((answer, i) => {
        if (creations.has(i)) return;
        const text = `${JSON.stringify(answer.headers)}\n${answer.body}`;
        for (const secret of secrets)
          assert.ok(
            !text.includes(secret) || (answer.path.endsWith('/api-tokens') && answer.method === 'POST'),
            `${answer.method} ${answer.path} (${answer.status}) shows a secret`,
          );
        assert.doesNotMatch(text, /scrypt\$/, `${answer.method} ${answer.path} shows a password hash`);
      });
    });
  });
});
