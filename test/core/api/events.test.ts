import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerSimAgent } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

interface Event {
  id: string;
  agentId: string | null;
  type: string;
  subtype: string | null;
  severity: string;
  component: string;
  createdAt: string;
}

describeEachDatabase('API events history', (target) => {
  let core: TestCore;
  let viewer: ReturnType<ApiClient['bearer']>;
  let agentId: string;
  const start = new Date();

  before(async () => {
    core = await startTestCore(target.name);
    viewer = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'viewer')).token);
    agentId = (await registerSimAgent(core.httpUrl, await core.createToken())).identity!.agentId;
    const severities = ['info', 'warning', 'error', 'critical'] as const;
    for (let i = 0; i < 24; i++)
      await core.db.systemEvents.record({
        type: i % 2 ? 'test.odd' : 'test.even',
        subtype: `s${i % 3}`,
        severity: severities[i % 4]!,
        component: i % 5 ? 'alpha' : 'beta',
        agentId: i % 6 ? null : agentId,
        message: `event ${i}`,
      });
  });
  after(() => core.close());

  async function all(query: string): Promise<Event[]> {
    const res = await viewer.get(`/api/v1/events?${query}&limit=1000`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.items;
  }

  it('filters by type, subtype, severity set, minimum severity, component and agent', async () => {
    const tests = (await all('type=test.odd,test.even')).length;
    assert.equal(tests, 24);
    assert.equal((await all('type=test.odd')).length, 12);
    assert.equal((await all('type=test.odd&type=test.even&subtype=s1')).length, 8);
    const set = await all('type=test.odd,test.even&severity=info&severity=critical');
    assert.equal(set.length, 12);
    assert.ok(set.every((e) => e.severity === 'info' || e.severity === 'critical'));
    const worse = await all('type=test.odd,test.even&minSeverity=error');
    assert.equal(worse.length, 12);
    assert.ok(worse.every((e) => e.severity === 'error' || e.severity === 'critical'));
    const beta = await all('type=test.odd,test.even&component=beta');
    assert.deepEqual(
      beta.map((e) => e.component),
      Array(5).fill('beta'),
    );
    const mine = await all(`type=test.even&agent=${agentId}`);
    assert.equal(mine.length, 4);
    assert.ok(mine.every((e) => e.agentId === agentId));
  });

  it('filters by a time range', async () => {
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    const past = encodeURIComponent(start.toISOString());
    assert.equal((await all(`type=test.odd&since=${past}&until=${future}`)).length, 12);
    assert.equal((await all(`type=test.odd&until=${past}`)).length, 0);
    assert.equal((await all(`type=test.odd&since=${future}`)).length, 0);
  });

  it('pages newest first without repeats or gaps while events are added', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { json: { items: Event[]; nextCursor: string | null } } = await viewer.get(
        `/api/v1/events?type=test.odd,test.even&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.json.items.map((e) => e.id));
      cursor = res.json.nextCursor;
      // A new event between pages belongs on page one, not on a later page.
      await core.db.systemEvents.record({
        type: 'test.late',
        severity: 'info',
        component: 'x',
        message: 'late',
      });
      pages++;
    } while (cursor && pages < 20);
    assert.equal(seen.length, 24);
    assert.equal(new Set(seen).size, 24);
    const sorted = [...seen].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));
    assert.deepEqual(seen, sorted, 'newest first');
  });

  it('reads forwards after an id, and the cursor keeps that direction', async () => {
    const oldest = (await all('type=test.odd,test.even')).at(-1)!.id;
    const first = await viewer.get(`/api/v1/events?type=test.odd,test.even&after=${oldest}&limit=10`);
    const second = await viewer.get(
      `/api/v1/events?type=test.odd,test.even&limit=10&cursor=${first.json.nextCursor}`,
    );
    const ids = [...first.json.items, ...second.json.items].map((e: Event) => BigInt(e.id));
    assert.equal(ids.length, 20);
    assert.ok(
      ids.every((id, i) => i === 0 || id > ids[i - 1]!),
      'oldest first throughout',
    );
  });

  it('refuses bad filters and cursors with 400', async () => {
    for (const query of [
      'severity=loud',
      'severity=info,loud',
      'minSeverity=bad',
      'type=has space',
      'since=yesterday',
      'cursor=garbage',
      `cursor=${Buffer.from('["c","1"]').toString('base64url')}`,
      'limit=0',
      'colour=red',
    ]) {
      const res = await viewer.get(`/api/v1/events?${query}`);
      assert.equal(res.status, 400, query);
      assert.ok(['validation_failed', 'invalid_cursor'].includes(res.json.error.code), query);
    }
  });
});
