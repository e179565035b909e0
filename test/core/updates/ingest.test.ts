import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ScanMessage, ScanPackage } from '../../../broker/protocol/index.js';
import type { Database } from '../../../core/db/index.js';
import { createEventRecorder } from '../../../core/events/index.js';
import { createLogger } from '../../../core/log/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { parseUpgradable } from '../../../plugins/apt/parse-upgradable.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerAgentInDb } from '../../helpers/registered-agent.js';

const FIXTURE = new URL('../../fixtures/apt/apt-list-upgradable.stdout', import.meta.url);

/** The real `apt list --upgradable` capture (136 upgradable, 81 from the security archive), as an agent reports it. */
function aptFixturePackages(): ScanPackage[] {
  const { entries } = parseUpgradable(readFileSync(FIXTURE, 'utf8').split('\n'));
  return entries.map((e) => {
    const security = e.suites.some((s) => s.endsWith('-security'));
    return {
      plugin: 'apt',
      name: e.name,
      arch: e.arch,
      currentVersion: e.currentVersion,
      availableVersion: e.availableVersion,
      severity: security ? 'high' : 'unknown',
      source: e.suites.join(','),
      security,
      metadata: {},
    };
  });
}

function scan(packages: ScanPackage[], opts: Partial<ScanMessage> = {}): ScanMessage {
  const now = new Date().toISOString();
  return {
    v: 1,
    id: randomUUID(),
    ts: now,
    batchId: randomUUID(),
    plugin: 'apt',
    complete: true,
    startedAt: now,
    finishedAt: now,
    packages,
    ...opts,
  };
}

function synthetic(count: number): ScanPackage[] {
  return Array.from({ length: count }, (_, i) => ({
    plugin: 'apt',
    name: `pkg-${i}`,
    arch: 'amd64',
    currentVersion: '1.0',
    availableVersion: '1.1',
    severity: 'unknown' as const,
    source: 'bookworm',
    security: false,
    metadata: {},
  }));
}

describeEachDatabase('core/updates scan ingest', (target) => {
  let db: Database;
  let agentId: string;
  let ctx: { db: Database; events: ReturnType<typeof createEventRecorder> };

  before(async () => {
    db = await target.open();
    await db.migrate();
    ctx = { db, events: createEventRecorder({ db, logger: createLogger('silent'), perMinute: 100 }) };
  });
  beforeEach(async () => {
    agentId = await registerAgentInDb(db);
  });
  after(() => ctx.events.close());

  it('turns the real apt capture into 136 pending packages, 81 of them security, with one event each', async () => {
    const message = scan(aptFixturePackages());
    assert.equal(message.packages.length, 136);
    const outcome = await ingestScan(ctx, agentId, message);
    assert.deepEqual(outcome, { status: 'stored', discovered: 136, changed: 0, resolved: 0 });
    const state = await db.packages.listForAgent(agentId);
    assert.equal(state.length, 136);
    assert.equal(state.filter((p) => p.security).length, 81);
    assert.ok(state.every((p) => p.status === 'pending'));
    const events = await db.packages.eventsForAgent(agentId, { batchId: message.batchId });
    assert.equal(events.length, 136);
    assert.ok(events.every((e) => e.kind === 'discovered' && e.fromVersion && e.toVersion));
  });

  it('makes what it stores findable by the name search, on every host that reports the name', async () => {
    const name = `zz-${randomUUID().slice(0, 8)}-tools`;
    const other = await registerAgentInDb(db);
    const pkg = { ...synthetic(1)[0]!, name };
    await ingestScan(ctx, agentId, scan([pkg]));
    await ingestScan(ctx, other, scan([pkg]));
    const page = await db.updates.page({
      filter: { q: name.slice(3, 11) },
      sort: 'name',
      order: 'asc',
      limit: 10,
      after: null,
    });
    assert.deepEqual(page.items.map((i) => i.agentId).sort(), [agentId, other].sort());
    assert.ok(page.items.every((i) => i.name === name));
  });

  it('changes nothing when the same batch is delivered again', async () => {
    const message = scan(aptFixturePackages());
    await ingestScan(ctx, agentId, message);
    const before = await db.packages.eventsForAgent(agentId);
    const again = await ingestScan(ctx, agentId, { ...message, id: randomUUID() });
    assert.deepEqual(again, { status: 'duplicate', discovered: 0, changed: 0, resolved: 0 });
    assert.deepEqual(await db.packages.eventsForAgent(agentId), before);
    assert.equal(await db.packages.batchCount(agentId), 1);
  });

  it('records a new available version as changed', async () => {
    const packages = synthetic(3);
    await ingestScan(ctx, agentId, scan(packages));
    packages[1] = { ...packages[1]!, availableVersion: '1.2' };
    const outcome = await ingestScan(ctx, agentId, scan(packages));
    assert.deepEqual(outcome, { status: 'stored', discovered: 0, changed: 1, resolved: 0 });
    const state = await db.packages.listForAgent(agentId);
    assert.equal(state.find((p) => p.name === 'pkg-1')?.availableVersion, '1.2');
  });

  it('resolves what a complete scan no longer reports, not what a partial scan leaves out, and reopens a comeback', async () => {
    const packages = synthetic(3);
    await ingestScan(ctx, agentId, scan(packages));
    await ingestScan(ctx, agentId, scan(packages.slice(0, 2), { complete: false }));
    assert.equal((await db.packages.listForAgent(agentId)).length, 3, 'a partial scan resolved a package');

    const outcome = await ingestScan(ctx, agentId, scan(packages.slice(0, 2)));
    assert.equal(outcome.resolved, 1);
    const all = await db.packages.listForAgent(agentId, { includeClosed: true });
    assert.equal(all.find((p) => p.name === 'pkg-2')?.status, 'resolved');
    assert.equal((await db.packages.listForAgent(agentId)).length, 2);

    const back = await ingestScan(ctx, agentId, scan(packages));
    assert.deepEqual(back, { status: 'stored', discovered: 1, changed: 0, resolved: 0 });
    assert.equal(
      (await db.packages.listForAgent(agentId)).find((p) => p.name === 'pkg-2')?.status,
      'pending',
    );
    const kinds = (await db.packages.eventsForAgent(agentId))
      .filter((e) => e.package === 'pkg-2')
      .map((e) => e.kind);
    assert.deepEqual(kinds, ['discovered', 'resolved', 'discovered']);
  });

  it('marks packages the package manager holds as held, and pending again once released', async () => {
    const packages = synthetic(2);
    await ingestScan(ctx, agentId, scan(packages, { holds: ['pkg-0'] }));
    let state = await db.packages.listForAgent(agentId);
    assert.equal(state.find((p) => p.name === 'pkg-0')?.status, 'held');
    assert.equal(state.find((p) => p.name === 'pkg-1')?.status, 'pending');
    await ingestScan(ctx, agentId, scan(packages));
    state = await db.packages.listForAgent(agentId);
    assert.equal(state.find((p) => p.name === 'pkg-0')?.status, 'pending');
  });

  it('records a failed scan without touching the state, and says so in the history', async () => {
    await ingestScan(ctx, agentId, scan(synthetic(2)));
    const outcome = await ingestScan(
      ctx,
      agentId,
      scan([], { complete: false, error: 'apt-get update: mirror down' }),
    );
    assert.equal(outcome.status, 'stored');
    assert.equal((await db.packages.listForAgent(agentId)).length, 2);
    const events = await db.systemEvents.list({ agentId, type: 'scan' });
    assert.match(events[0]?.message ?? '', /apt scan failed on the agent: apt-get update: mirror down/);
  });

  it('uses a constant number of statements, whatever the size: 20,000 packages cost what 10 do', async () => {
    const small = db.statementCount();
    await ingestScan(ctx, agentId, scan(synthetic(10)));
    const forSmall = db.statementCount() - small;

    const other = await registerAgentInDb(db);
    const big = db.statementCount();
    const outcome = await ingestScan(ctx, other, scan(synthetic(20_000)));
    const forBig = db.statementCount() - big;
    assert.equal(outcome.discovered, 20_000);
    assert.equal(forBig, forSmall);
    assert.equal((await db.packages.listForAgent(other)).length, 20_000);
  });
});
