import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../../core/db/index.js';
import { createEventRecorder, createLiveBus, type LiveEvent } from '../../../core/events/index.js';
import { createLogger } from '../../../core/log/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { containerItem, dockerScan, outdatedContainer } from '../../helpers/containers.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerAgentInDb } from '../../helpers/registered-agent.js';

describeEachDatabase('core/updates container inventory (issue 24 §5)', (target) => {
  let db: Database;
  let events: LiveEvent[];
  let ctx: Parameters<typeof ingestScan>[0];

  before(async () => {
    db = await target.open();
    await db.migrate();
    const bus = createLiveBus({ bufferSize: 100 });
    bus.subscribe((e) => events.push(e));
    ctx = { db, events: createEventRecorder({ db, logger: createLogger('silent'), perMinute: 100 }), bus };
  });
  beforeEach(() => (events = []));
  after(() => ctx.events.close());

  const changes = (agentId: string) =>
    events.filter((e) => e.kind === 'containers.changed' && e.agentId === agentId).map((e) => e.data);

  it("stores a host's containers with the update of their image, and replaces them on the next scan", async () => {
    const agentId = await registerAgentInDb(db, `inv-${randomUUID().slice(0, 8)}`);
    const web = outdatedContainer('web', 'docker.io/library/nginx', '1.27');
    const db1 = containerItem('db', 'docker.io/library/postgres', '16', { health: 'healthy' });
    const old = containerItem('old', 'localhost/built', 'latest', {
      checkStatus: 'not_checkable',
      checkReason: 'built locally (localhost/…)',
      localDigests: [],
      remoteDigest: undefined,
      state: 'exited',
    });
    await ingestScan(ctx, agentId, dockerScan([web, db1, old]));

    const stored = await db.containers.list({ agentIds: [agentId] });
    assert.deepEqual(
      stored.map((c) => [c.name, c.checkStatus, c.state, c.health]),
      [
        ['db', 'up_to_date', 'running', 'healthy'],
        ['old', 'not_checkable', 'exited', null],
        ['web', 'update_available', 'running', null],
      ],
    );
    const webRow = stored.find((c) => c.name === 'web')!;
    assert.equal(webRow.update?.status, 'pending', 'the docker record of its image is joined');
    assert.equal(webRow.update?.name, 'docker.io/library/nginx:1.27');
    assert.equal(webRow.remoteDigest, web.remoteDigest);
    assert.equal(stored.find((c) => c.name === 'db')!.update, null);
    assert.deepEqual(changes(agentId), [{ count: 3, updates: 1 }]);

    // The container `old` was removed, `db` stopped: the next scan's set replaces the stored one.
    events = [];
    await ingestScan(ctx, agentId, dockerScan([web, { ...db1, state: 'exited', health: undefined }]));
    const after = await db.containers.list({ agentIds: [agentId] });
    assert.deepEqual(
      after.map((c) => [c.name, c.state]),
      [
        ['db', 'exited'],
        ['web', 'running'],
      ],
    );
    assert.deepEqual(changes(agentId), [{ count: 2, updates: 1 }]);

    // The same inventory again changes nothing, and says nothing.
    events = [];
    await ingestScan(ctx, agentId, dockerScan([web, { ...db1, state: 'exited', health: undefined }]));
    assert.deepEqual(changes(agentId), []);
  });

  it('keeps the inventory when a scan fails or carries none, and a late older scan does not replace a newer one', async () => {
    const agentId = await registerAgentInDb(db, `inv-${randomUUID().slice(0, 8)}`);
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await ingestScan(
      ctx,
      agentId,
      dockerScan([containerItem('a', 'docker.io/library/redis', '7')], { finishedAt: at(0) }),
    );
    await ingestScan(ctx, agentId, dockerScan([], { containers: undefined, finishedAt: at(1000) }));
    await ingestScan(
      ctx,
      agentId,
      dockerScan([], { containers: undefined, complete: false, error: 'engine gone', finishedAt: at(2000) }),
    );
    assert.deepEqual(
      (await db.containers.list({ agentIds: [agentId] })).map((c) => c.name),
      ['a'],
    );

    await ingestScan(
      ctx,
      agentId,
      dockerScan([containerItem('b', 'docker.io/library/redis', '7')], { finishedAt: at(5000) }),
    );
    // Spooled while offline, delivered after the newer one.
    await ingestScan(
      ctx,
      agentId,
      dockerScan([containerItem('c', 'docker.io/library/redis', '7')], { finishedAt: at(3000) }),
    );
    assert.deepEqual(
      (await db.containers.list({ agentIds: [agentId] })).map((c) => c.name),
      ['b'],
    );

    // An empty inventory is a host without containers.
    await ingestScan(ctx, agentId, dockerScan([], { finishedAt: at(6000) }));
    assert.deepEqual(await db.containers.list({ agentIds: [agentId] }), []);
  });

  it('pages the fleet by host and name, filtered by host, check status and text', async () => {
    const prefix = `pg-${randomUUID().slice(0, 6)}`;
    const alpha = await registerAgentInDb(db, `${prefix}-alpha`);
    const beta = await registerAgentInDb(db, `${prefix}-beta`);
    await ingestScan(
      ctx,
      alpha,
      dockerScan([
        outdatedContainer('jellyfin', 'docker.io/jellyfin/jellyfin', 'latest'),
        containerItem('caddy', 'docker.io/library/caddy', '2'),
      ]),
    );
    await ingestScan(
      ctx,
      beta,
      dockerScan([
        outdatedContainer('grafana', 'docker.io/grafana/grafana', '11.1.0'),
        containerItem('app', 'ghcr.io/acme/app', 'v1', {
          composeProject: 'jellyfin-stack',
          composeService: 'app',
        }),
      ]),
    );
    const agentIds = [alpha, beta];
    const names = (items: Array<{ hostname: string; name: string }>) =>
      items.map((c) => `${c.hostname.slice(prefix.length + 1)}/${c.name}`);

    const first = await db.containers.page({ filter: { agentIds }, limit: 3 });
    assert.deepEqual(names(first.items), ['alpha/caddy', 'alpha/jellyfin', 'beta/app']);
    const second = await db.containers.page({ filter: { agentIds }, limit: 3, after: first.next });
    assert.deepEqual(names(second.items), ['beta/grafana']);
    assert.equal(second.next, null);

    const outdated = await db.containers.list({ agentIds, statuses: ['update_available'] });
    assert.deepEqual(names(outdated), ['alpha/jellyfin', 'beta/grafana']);
    // Text matches the name, the image reference and the compose project; `_` is no wildcard.
    assert.deepEqual(names(await db.containers.list({ agentIds, q: 'JELLYFIN' })), [
      'alpha/jellyfin',
      'beta/app',
    ]);
    assert.deepEqual(names(await db.containers.list({ agentIds, q: 'graf' })), ['beta/grafana']);
    assert.deepEqual(await db.containers.list({ agentIds, q: 'jelly_in' }), []);
    assert.deepEqual(names(await db.containers.list({ agentIds: [beta], statuses: ['up_to_date'] })), [
      'beta/app',
    ]);
  });

  it('forgets the containers of a deleted host', async () => {
    const agentId = await registerAgentInDb(db, `inv-${randomUUID().slice(0, 8)}`);
    await ingestScan(ctx, agentId, dockerScan([containerItem('x', 'docker.io/library/redis', '7')]));
    await db.agents.delete(agentId);
    assert.deepEqual(await db.containers.list({ agentIds: [agentId] }), []);
  });
});
