import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { envelope } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;
interface Item {
  id: string;
  agentId: string;
  hostname: string;
  plugin: string;
  name: string;
  severity: string;
  status: string;
  security: boolean;
  firstSeenAt: string;
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };

/** Every page of a query, following nextCursor; `between` runs after each page. */
async function walk(
  caller: Caller,
  query: string,
  between: (page: number) => Promise<void> = async () => {},
) {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    const res = await caller.get(`/api/v1/updates?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    items.push(...res.json.items);
    cursor = res.json.nextCursor;
    if (!cursor) return items;
    await between(page);
  }
}

describeEachDatabase('API updates list: filters, sorts, keyset pages', (target) => {
  let core: TestCore;
  let viewer: Caller;
  let agents: string[];

  before(async function () {
    this.timeout(300_000); // a 500-agent seed on a loaded machine
    core = await startTestCore(target.name);
    const api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    // 500 agents × 12 packages (fleet-seed.ts: severity by package number, statuses spread).
    agents = await core.db.seed.seedFleet({ agents: 500, packagesPerAgent: 12 });
  });
  after(() => core.close());

  let inserted = 0;
  /** New packages on a few hosts between two page requests, as scans would add them. */
  async function insertSome() {
    const now = new Date().toISOString();
    inserted++;
    const packages: ScanPackage[] = ['aaa', 'mmm', 'zzz'].map((prefix) => ({
      plugin: 'apt',
      name: `${prefix}-new-${inserted}`,
      arch: 'amd64',
      currentVersion: '1',
      availableVersion: '2',
      severity: (['critical', 'medium', 'unknown'] as const)[inserted % 3]!,
      source: 'x',
      security: false,
      metadata: {},
    }));
    for (const agentId of [agents[0]!, agents[250]!, agents[499]!])
      await ingestScan(core, agentId, {
        ...envelope(),
        batchId: randomUUID(),
        plugin: 'apt',
        complete: false,
        startedAt: now,
        finishedAt: now,
        packages,
      });
  }

  for (const sort of ['severity', 'name', 'host', 'firstSeen'])
    for (const order of ['asc', 'desc'])
      it(`pages by ${sort} ${order} without duplicates or gaps while packages are inserted between pages`, async () => {
        const query = `sort=${sort}&order=${order}&severity=critical,high&limit=97`;
        const before = await walk(viewer, query.replace('limit=97', 'limit=1000'));
        const seen = await walk(viewer, query, insertSome);
        const ids = seen.map((i) => i.id);
        assert.equal(new Set(ids).size, ids.length, 'no package twice');
        const seenIds = new Set(ids);
        const missing = before.filter((i) => !seenIds.has(i.id));
        assert.deepEqual(missing, [], 'every package that existed before the walk was seen');
        const existing = seen.filter((i) => before.some((b) => b.id === i.id));
        assert.deepEqual(
          existing.map((i) => i.id),
          before.map((i) => i.id),
          'the same order as an undisturbed walk',
        );
        assertSorted(seen, sort, order);
      });

  it('filters by severity, status, plugin, security, agent, label and text, each on its own and together', async () => {
    const all = await walk(viewer, 'limit=1000');
    const check = async (query: string, keep: (i: Item) => boolean) => {
      const got = await walk(viewer, `${query}&limit=1000`);
      const expected = all
        .filter(keep)
        .map((i) => i.id)
        .sort();
      assert.deepEqual(got.map((i) => i.id).sort(), expected, query);
      assert.ok(expected.length > 0, `${query} matches something`);
      const counted = await viewer.get(`/api/v1/updates/count?${query}`);
      assert.deepEqual(counted.json, { count: expected.length }, `count of ${query}`);
    };
    await check('severity=critical', (i) => i.severity === 'critical');
    await check('severity=low&severity=medium', (i) => i.severity === 'low' || i.severity === 'medium');
    await check('status=failed,held', (i) => i.status === 'failed' || i.status === 'held');
    await check('plugin=dnf', (i) => i.plugin === 'dnf');
    await check('security=true', (i) => i.security);
    await check('security=false&status=pending', (i) => !i.security && i.status === 'pending');
    await check(
      `agent=${agents[5]}&agent=${agents[6]}`,
      (i) => i.agentId === agents[5] || i.agentId === agents[6],
    );
    await check('q=PYTHON3', (i) => i.name.includes('python3'));
    await check('q=pkg1', (i) => i.name.includes('pkg1'));
    const labelled = await walk(viewer, 'label=db&limit=1000');
    assert.ok(labelled.length > 0);
    const agentLabels = new Map<string, string[]>();
    for (const id of new Set(labelled.map((i) => i.agentId)))
      agentLabels.set(id, (await viewer.get(`/api/v1/agents/${id}`)).json.labels);
    assert.ok(labelled.every((i) => agentLabels.get(i.agentId)!.includes('db')));
    await check(
      'severity=high&status=pending&plugin=apt&q=python',
      (i) =>
        i.severity === 'high' && i.status === 'pending' && i.plugin === 'apt' && i.name.includes('python'),
    );
    assert.deepEqual((await viewer.get('/api/v1/updates?q=_')).json.items, [], '_ is literal text');
    assert.equal(
      (await viewer.get('/api/v1/updates/count')).json.count,
      all.length,
      'count without a filter',
    );
  });

  it('refuses a bad filter, a foreign cursor and a cursor of another sort', async () => {
    assert.equal((await viewer.get('/api/v1/updates?severity=loud')).status, 400);
    assert.equal((await viewer.get('/api/v1/updates?status=done')).status, 400);
    assert.equal((await viewer.get('/api/v1/updates?agent=nope')).status, 400);
    assert.equal((await viewer.get('/api/v1/updates?sort=size')).status, 400);
    assert.equal((await viewer.get('/api/v1/updates/count?severity=loud')).status, 400);
    assert.equal((await viewer.get('/api/v1/updates/count?limit=5')).status, 400, 'no paging on a count');
    assert.equal((await viewer.get('/api/v1/updates?cursor=garbage')).json.error.code, 'invalid_cursor');
    const page = await viewer.get('/api/v1/updates?sort=name&limit=5');
    const other = await viewer.get(`/api/v1/updates?sort=host&limit=5&cursor=${page.json.nextCursor}`);
    assert.equal(other.status, 400);
    assert.equal(other.json.error.code, 'invalid_cursor');
  });
});

function assertSorted(items: Item[], sort: string, order: string) {
  const key = (i: Item): Array<string | number> => {
    if (sort === 'severity') return [SEVERITY_RANK[i.severity]!];
    if (sort === 'host') return [i.hostname];
    if (sort === 'firstSeen') return [Date.parse(i.firstSeenAt)];
    return [];
  };
  for (let n = 1; n < items.length; n++) {
    const [a] = key(items[n - 1]!);
    const [b] = key(items[n]!);
    if (a === undefined || b === undefined) continue;
    // severity "desc" means most severe first: rank ascending.
    const ascending = sort === 'severity' ? order === 'desc' : order === 'asc';
    assert.ok(ascending ? a <= b : a >= b, `${sort} ${order} out of order at ${n}: ${a} then ${b}`);
  }
}
