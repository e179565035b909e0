import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database, IngestPackage, PackageRef, PackageStatus } from '../../../core/db/index.js';
import {
  PACKAGE_EVENTS,
  PACKAGE_MOVES,
  PACKAGE_STATUS_ORDER,
  type PackageEvent,
} from '../../../core/updates/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { ingestBatchOf } from '../../helpers/ingest-batch.js';

/** The moves the table says an event makes, as `from → to`. */
const tableMoves = (event: PackageEvent) =>
  PACKAGE_MOVES[event].from.map((from) => `${from} → ${PACKAGE_MOVES[event].to}`).sort();

/**
 * Issue 22 §2: the status moves core/db writes in SQL (the scan ingest, hold and ignore rules,
 * install results) make exactly the moves of the state machine's table, no more and no fewer.
 * Each event is driven from every state; what it did is compared with the table.
 */
describeEachDatabase('core/updates package moves made in SQL follow the state machine', (target) => {
  let db: Database;
  let agentId: string;
  const ref = (name: string, plugin = 'apt'): PackageRef => ({ agentId, plugin, name, arch: 'amd64' });

  before(async () => {
    db = await target.open();
    await db.migrate();
    [agentId] = (await db.seed.seedFleet({ agents: 1, packagesPerAgent: 0 })) as [string];
    await db.scans.ingest({ ...ingestBatchOf(agentId, ['from-scan']), complete: false });
    await db.scans.ingest({
      ...ingestBatchOf(agentId, ['held-by-rule', 'ignored-by-rule', 'installed-one']),
      plugin: 'dnf',
      complete: false,
    });
    await db.policies.create({
      kind: 'hold',
      name: 'h',
      match: { namePattern: 'held-by-rule' },
      createdBy: null,
    });
    await db.policies.create({
      kind: 'ignore',
      name: 'i',
      match: { namePattern: 'ignored-by-rule' },
      createdBy: null,
    });
  });

  const statusOf = async (r: PackageRef) =>
    (await db.packages.listForAgent(agentId, { plugin: r.plugin, includeClosed: true })).find(
      (p) => p.name === r.name,
    )!.status;

  /** Puts the package in `from`, runs `act`, and returns the move it made (null: none). */
  async function observe(r: PackageRef, act: () => Promise<unknown>): Promise<string[]> {
    const made: string[] = [];
    for (const from of PACKAGE_STATUS_ORDER) {
      await db.packages.transition([r], from, [...PACKAGE_STATUS_ORDER]);
      assert.equal(await statusOf(r), from);
      await act();
      const to = await statusOf(r);
      if (to !== from) made.push(`${from} → ${to}`);
    }
    return made.sort();
  }

  const scan = (packages: Array<Partial<IngestPackage>>, complete: boolean) => () =>
    db.scans.ingest({
      ...ingestBatchOf(agentId, []),
      complete,
      packages: packages.map((p) => ({ ...ingestBatchOf(agentId, ['from-scan']).packages[0]!, ...p })),
    });

  it('a scan that reports the package held: held_by_package_manager', async () => {
    assert.deepEqual(
      await observe(ref('from-scan'), scan([{ held: true }], false)),
      tableMoves('held_by_package_manager'),
    );
  });

  it('a scan that reports the package, not held: reported_again', async () => {
    assert.deepEqual(await observe(ref('from-scan'), scan([{}], false)), tableMoves('reported_again'));
  });

  it('a complete scan that no longer reports it: resolved_by_scan', async () => {
    assert.deepEqual(
      await observe(ref('from-scan'), scan([{ name: 'something-else' }], true)),
      tableMoves('resolved_by_scan'),
    );
  });

  it('a hold rule applied: hold_rule', async () => {
    assert.deepEqual(
      await observe(ref('held-by-rule', 'dnf'), () => db.policies.applyToAgent(agentId)),
      tableMoves('hold_rule'),
    );
  });

  it('an ignore rule applied: ignore_rule', async () => {
    assert.deepEqual(
      await observe(ref('ignored-by-rule', 'dnf'), () => db.policies.applyToAgent(agentId)),
      tableMoves('ignore_rule'),
    );
  });

  for (const [result, event] of [
    ['succeeded', 'installed'],
    ['failed', 'install_failed'],
  ] as const)
    it(`an install result that says ${result}: ${event}`, async () => {
      const { command } = await db.commands.create({
        agentId,
        type: 'install',
        params: { plugin: 'dnf' },
        source: 'manual',
        expiresAt: new Date(Date.now() + 60_000),
      });
      const outcome = {
        name: 'installed-one',
        arch: 'amd64',
        result,
        fromVersion: '1',
        toVersion: '2',
        message: null,
      };
      assert.deepEqual(
        await observe(ref('installed-one', 'dnf'), () =>
          db.packages.recordInstall(agentId, 'dnf', command.id, new Date(), [outcome]),
        ),
        tableMoves(event),
      );
    });
});

describe('core/updates package state machine: every event is made somewhere', () => {
  /** Events made in SQL by core/db; the test above drives each of them. */
  const MADE_IN_SQL = new Set<PackageEvent>([
    'held_by_package_manager',
    'reported_again',
    'resolved_by_scan',
    'hold_rule',
    'ignore_rule',
    'installed',
    'install_failed',
  ]);

  it('names each of the other events in the code of core/updates that makes it', () => {
    const dir = new URL('../../../core/updates/', import.meta.url);
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.startsWith('package-states'))
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .join('\n');
    const unused = PACKAGE_EVENTS.filter(
      (e) => !MADE_IN_SQL.has(e) && !code.includes(`'${e}'`) && !code.includes(`PACKAGE_MOVES.${e}`),
    );
    assert.deepEqual(unused, []);
  });

  it('covers every status as a source or a target of some move', () => {
    const touched = new Set<PackageStatus>(
      PACKAGE_EVENTS.flatMap((e) => [...PACKAGE_MOVES[e].from, PACKAGE_MOVES[e].to]),
    );
    assert.deepEqual(
      PACKAGE_STATUS_ORDER.filter((s) => !touched.has(s)),
      [],
    );
  });
});
