import assert from 'node:assert/strict';
import { CLIENT_ERROR_LIMITS } from '../../../core/api/routes/client-errors.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

const report = (i: number, extra: Record<string, unknown> = {}) => ({
  subsystem: 'updates',
  type: 'TypeError',
  message: `cannot read properties of undefined (#${i})`,
  stack: 'TypeError: cannot read…\n    at rf-update-table.ts:42',
  metadata: { route: '/updates' },
  url: 'http://core.local/updates',
  userAgent: 'Mozilla/5.0 (test)',
  occurredAt: '2026-12-01T20:00:00.000Z',
  ...extra,
});

describeEachDatabase('API client errors', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let admin: ReturnType<ApiClient['bearer']>;
  let viewer: ReturnType<ApiClient['bearer']>;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    api.call('POST', '/api/v1/client-errors', { body, headers });

  before(async () => {
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
  });
  after(() => core.close());

  it('accepts a batch before sign-in, stores it and records one event', async () => {
    const res = await post({ errors: [report(1), report(2, { subsystem: 'login' })] });
    assert.equal(res.status, 202, JSON.stringify(res.json));
    assert.deepEqual(res.json, { accepted: 2 });
    const stored = await admin.get('/api/v1/client-errors');
    assert.equal(stored.status, 200);
    const [second, first] = stored.json.items;
    assert.equal(first.message, 'cannot read properties of undefined (#1)');
    assert.equal(first.stack, report(1).stack);
    assert.deepEqual(first.metadata, { route: '/updates' });
    assert.equal(first.url, 'http://core.local/updates');
    assert.equal(first.userAgent, 'Mozilla/5.0 (test)');
    assert.equal(first.occurredAt, '2026-12-01T20:00:00.000Z');
    assert.equal(first.reportedBy, null, 'nobody was signed in');
    assert.equal(first.remoteAddress, '127.0.0.1');
    assert.equal(second.subsystem, 'login');
    const events = await admin.get('/api/v1/events?type=client_error');
    assert.equal(events.json.items.length, 1);
    assert.match(events.json.items[0].message, /panel error in updates: .*\(and 1 more\)/);
    assert.equal(events.json.items[0].severity, 'error');
    const login = await admin.get('/api/v1/client-errors?subsystem=login');
    assert.deepEqual(
      login.json.items.map((e: { subsystem: string }) => e.subsystem),
      ['login'],
    );
  });

  it('tags a report with the signed-in caller', async () => {
    await addTestUser(core, 'erin', 'erin password 1', 'viewer');
    const { cookie, csrfToken } = await api.login('erin', 'erin password 1');
    const res = await post({ errors: [report(3)] }, { cookie, 'x-csrf-token': csrfToken });
    assert.equal(res.status, 202);
    const newest = (await admin.get('/api/v1/client-errors?limit=1')).json.items[0];
    assert.equal(newest.reportedBy, 'erin');
    assert.ok(newest.userId);
  });

  it('refuses oversized bodies with 413 and oversized or malformed fields with 400', async () => {
    const big = await post({
      errors: [report(4, { metadata: { blob: 'x'.repeat(CLIENT_ERROR_LIMITS.bodyBytes) } })],
    });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 'payload_too_large');
    for (const errors of [
      [report(5, { message: 'm'.repeat(CLIENT_ERROR_LIMITS.messageChars + 1) })],
      [report(5, { stack: 's'.repeat(CLIENT_ERROR_LIMITS.stackChars + 1) })],
      [report(5, { url: `http://x/${'u'.repeat(CLIENT_ERROR_LIMITS.urlChars)}` })],
      [report(5, { subsystem: 'has spaces' })],
      [report(5, { occurredAt: 'yesterday' })],
      [report(5, { colour: 'red' })],
      [report(5, { metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) })],
      Array.from({ length: CLIENT_ERROR_LIMITS.errorsPerRequest + 1 }, (_, i) => report(i)),
      [],
    ]) {
      const res = await post({ errors });
      assert.equal(res.status, 400, JSON.stringify(errors).slice(0, 100));
      assert.equal(res.json.error.code, 'validation_failed');
    }
    const text = await api.call('POST', '/api/v1/client-errors', {
      headers: { 'content-type': 'text/plain' },
    });
    assert.ok(text.status >= 400 && text.status < 500);
  });

  it('is read by admins only', async () => {
    assert.equal((await viewer.get('/api/v1/client-errors')).status, 403);
    assert.equal((await api.call('GET', '/api/v1/client-errors')).status, 401);
    assert.equal((await admin.get('/api/v1/client-errors?cursor=nope')).status, 400);
    const page = await admin.get('/api/v1/client-errors?limit=1');
    const next = await admin.get(`/api/v1/client-errors?limit=1&cursor=${page.json.nextCursor}`);
    assert.ok(BigInt(next.json.items[0].id) < BigInt(page.json.items[0].id));
  });

  it('limits reports per session, then per address, with 429 and Retry-After', async () => {
    const { cookie, csrfToken } = await api.login('erin', 'erin password 1');
    const headers = { cookie, 'x-csrf-token': csrfToken };
    const batch = { errors: Array.from({ length: 15 }, (_, i) => report(100 + i)) };
    assert.equal((await post(batch, headers)).status, 202);
    assert.equal((await post(batch, headers)).status, 202);
    const limited = await post(batch, headers);
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // Anonymous reports from the same address still go through until the address's own limit.
    let accepted = 0;
    let last = 0;
    for (let i = 0; i < 20 && last !== 429; i++) {
      const res = await post({ errors: Array.from({ length: 10 }, (_, j) => report(200 + i * 10 + j)) });
      last = res.status;
      if (res.status === 202) accepted += 10;
    }
    assert.equal(last, 429);
    assert.ok(accepted > 0 && accepted < CLIENT_ERROR_LIMITS.perAddressPerMinute, String(accepted));
    // The refused reports were not stored.
    const stored = (await admin.get('/api/v1/client-errors?limit=500')).json.items.length;
    assert.equal(stored, 3 + 30 + accepted);
  });
});
