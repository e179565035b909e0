import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { HostContainer } from '../../../broker/protocol/api-types.js';
import { ingestScan } from '../../../core/updates/index.js';
import { containerItem, dockerScan, outdatedContainer } from '../../helpers/containers.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { ApiClient, createTestToken } from './api-client.js';

type Caller = ReturnType<ApiClient['bearer']>;

describeEachDatabase('API containers: the fleet inventory and one host’s (issue 24 §5)', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let viewer: Caller;
  let alpha: string;
  let beta: string;

  before(async function () {
    this.timeout(120_000);
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    const ids = await core.db.seed.seedFleet({ agents: 2, packagesPerAgent: 1, hostPrefix: 'ct' });
    alpha = ids[0]!;
    beta = ids[1]!;
    await ingestScan(
      core,
      alpha,
      dockerScan([
        outdatedContainer('jellyfin', 'docker.io/jellyfin/jellyfin', 'latest'),
        containerItem('caddy', 'docker.io/library/caddy', '2', { health: 'healthy' }),
      ]),
    );
    await ingestScan(
      core,
      beta,
      dockerScan([
        outdatedContainer('grafana', 'docker.io/grafana/grafana', '11.1.0'),
        containerItem('builder', 'localhost/builder', 'latest', {
          checkStatus: 'not_checkable',
          checkReason: 'built locally (localhost/…)',
          localDigests: [],
          remoteDigest: undefined,
        }),
      ]),
    );
  });
  after(() => core.close());

  const names = (items: HostContainer[]) => items.map((c) => `${c.hostname}/${c.name}`);

  it('lists every container by host and name, one keyset page at a time', async () => {
    const seen: HostContainer[] = [];
    let cursor: string | null = null;
    for (;;) {
      const res = await viewer.get(`/api/v1/containers?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      seen.push(...(res.json.items as HostContainer[]));
      cursor = res.json.nextCursor as string | null;
      if (!cursor) break;
    }
    assert.deepEqual(names(seen), [
      'ct-00001/caddy',
      'ct-00001/jellyfin',
      'ct-00002/builder',
      'ct-00002/grafana',
    ]);
    const jellyfin = seen.find((c) => c.name === 'jellyfin')!;
    assert.equal(jellyfin.checkStatus, 'update_available');
    assert.equal(jellyfin.update?.status, 'pending');
    assert.equal(jellyfin.reference, 'docker.io/jellyfin/jellyfin:latest');
    assert.match(jellyfin.remoteDigest!, /^sha256:[0-9a-f]{64}$/);
    // The update's id is the updates API's.
    const detail = await viewer.get(`/api/v1/updates/${jellyfin.update!.id}`);
    assert.equal(detail.json.name, 'docker.io/jellyfin/jellyfin:latest');
    assert.equal(seen.find((c) => c.name === 'builder')!.checkReason, 'built locally (localhost/…)');
  });

  it('filters like the updates page: host, check status (repeated or comma-separated) and text', async () => {
    const list = async (query: string) => {
      const res = await viewer.get(`/api/v1/containers?${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return names(res.json.items as HostContainer[]);
    };
    assert.deepEqual(await list(`agent=${beta}`), ['ct-00002/builder', 'ct-00002/grafana']);
    assert.deepEqual(await list('status=update_available'), ['ct-00001/jellyfin', 'ct-00002/grafana']);
    assert.deepEqual(await list('status=update_available,not_checkable&agent=' + beta), [
      'ct-00002/builder',
      'ct-00002/grafana',
    ]);
    assert.deepEqual(await list('q=caddy'), ['ct-00001/caddy']);
  });

  it('answers one host’s containers with when they were taken, 404 for no such host', async () => {
    const res = await viewer.get(`/api/v1/agents/${alpha}/containers`);
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.json.items as HostContainer[]), ['ct-00001/caddy', 'ct-00001/jellyfin']);
    assert.ok(!Number.isNaN(Date.parse(res.json.scannedAt as string)));
    assert.equal((await viewer.get(`/api/v1/agents/${randomUUID()}/containers`)).status, 404);
  });

  it('refuses a status it does not know, a forged cursor, and a caller without credentials', async () => {
    const bad = await viewer.get('/api/v1/containers?status=outdated');
    assert.equal(bad.status, 400);
    const forged = await viewer.get('/api/v1/containers?cursor=bm90LWEtY3Vyc29y');
    assert.equal(forged.status, 400);
    assert.equal(forged.json.error.code, 'invalid_cursor');
    assert.equal((await api.call('GET', '/api/v1/containers')).status, 401);
  });
});
