import assert from 'node:assert/strict';
import type { Database } from '../../../core/db/index.js';
import { createEventRecorder } from '../../../core/events/index.js';
import { createJobRunner, type JobOutcome } from '../../../core/jobs/index.js';
import { createLogger } from '../../../core/log/index.js';
import { describeEachDatabase, describePostgres } from '../../helpers/databases.js';

const logger = createLogger('silent');
const HOUR = 3600_000;

/** A clock the test moves by hand: no timed assertions (issue 22 §3). */
function steppingClock(start = Date.parse('2026-12-07T10:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

function runnerOn(db: Database, now: () => Date) {
  const events = createEventRecorder({ db, logger, perMinute: 100 });
  return createJobRunner({ db, events, logger, now, timers: false });
}

/** A table the job writes one row to per run: the runs are counted where both cores see them. */
async function runsTable(db: Database) {
  const store = db.plugin('job-test');
  await store.migrate([
    {
      name: '001_runs',
      up: async (q) => {
        await q.query('create table job_test_runs (id serial primary key)');
      },
    },
  ]);
  return {
    record: async () => {
      await store.database.query('insert into job_test_runs default values');
    },
    count: async () =>
      (await store.database.query<{ n: number }>('select count(*)::int as n from job_test_runs'))[0]!.n,
  };
}

describeEachDatabase('job runner', (target) => {
  let db: Database;
  beforeEach(async () => {
    db = await target.open();
    await db.migrate();
  });

  it('runs a job when due, not again within its interval, and again after it', async () => {
    const clock = steppingClock();
    const runner = runnerOn(db, clock.now);
    const runs = await runsTable(db);
    runner.add({ name: 'count', intervalMs: HOUR, run: runs.record });
    assert.equal(await runner.runIfDue('count'), 'ran');
    clock.advance(HOUR / 2);
    assert.equal(await runner.runIfDue('count'), 'not_due');
    clock.advance(HOUR / 2);
    assert.equal(await runner.runIfDue('count'), 'ran');
    assert.equal(await runs.count(), 2);
    const [record] = await db.jobs.list();
    assert.equal(record!.name, 'count');
    assert.equal(record!.runs, 2);
    assert.equal(record!.lastError, null);
  });

  it('records a failing run as a system event and in the jobs table, and runs it again next interval', async () => {
    const clock = steppingClock();
    const runner = runnerOn(db, clock.now);
    let fail = true;
    runner.add({
      name: 'flaky',
      intervalMs: HOUR,
      run: async () => {
        if (fail) throw new Error('the mirror is down');
      },
    });
    assert.equal(await runner.runIfDue('flaky'), 'failed');
    const [event] = await db.systemEvents.list({ type: 'job' });
    assert.equal(event!.subtype, 'failed');
    assert.equal(event!.severity, 'error');
    assert.match(event!.message, /job flaky failed: the mirror is down/);
    assert.equal((await db.jobs.list())[0]!.lastError, 'the mirror is down');
    fail = false;
    clock.advance(HOUR);
    assert.equal(await runner.runIfDue('flaky'), 'ran');
    assert.equal((await db.jobs.list())[0]!.lastError, null);
  });

  it('does not start a run of a job while its previous run goes on', async () => {
    const runner = runnerOn(db, steppingClock().now);
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      runner.add({
        name: 'slow',
        intervalMs: HOUR,
        run: () => {
          resolve();
          return new Promise<void>((r) => (release = r));
        },
      });
    });
    const first = runner.runIfDue('slow');
    await started;
    assert.equal(await runner.runIfDue('slow'), 'busy');
    release();
    assert.equal(await first, 'ran');
  });
});

/** Issue 22 §3 "two cores on one PostgreSQL run a periodic job once per interval". */
describePostgres('job runner, two cores sharing one database', (target) => {
  it('runs a periodic job once per interval between them, and never while the other runs it', async () => {
    const options = target.freshOptions();
    const coreA = await target.open(undefined, options);
    await coreA.migrate();
    // The second core: a pool of its own on the same PostgreSQL schema.
    const coreB = await target.open(undefined, options);
    const clock = steppingClock();
    const runs = await runsTable(coreA);
    const runnerA = runnerOn(coreA, clock.now);
    const runnerB = runnerOn(coreB, clock.now);
    let gate: Promise<void> | null = null;
    let entered: () => void = () => {};
    for (const [runner, db] of [
      [runnerA, coreA],
      [runnerB, coreB],
    ] as const)
      runner.add({
        name: 'shared',
        intervalMs: HOUR,
        run: async () => {
          entered();
          await gate;
          await db.plugin('job-test').database.query('insert into job_test_runs default values');
        },
      });
    const both = async () =>
      (await Promise.all([runnerA.runIfDue('shared'), runnerB.runIfDue('shared')])).sort() as JobOutcome[];

    // Both cores' timers fire at the start of an interval: one runs it.
    const first = await both();
    assert.equal(first.filter((o) => o === 'ran').length, 1, first.join());
    assert.equal(await runs.count(), 1);
    // Halfway through the interval neither does.
    clock.advance(HOUR / 2);
    // (One may find the other checking, under the lock: `locked`; neither runs it.)
    const halfway = await both();
    assert.ok(!halfway.includes('ran'), halfway.join());
    assert.equal(await runs.count(), 1);
    // The next interval: once again.
    clock.advance(HOUR / 2);
    const second = await both();
    assert.equal(second.filter((o) => o === 'ran').length, 1, second.join());
    assert.equal(await runs.count(), 2);

    // While core A runs it (under its advisory lock), core B does not start it, even when due.
    clock.advance(HOUR);
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const runningOnA = runnerA.runIfDue('shared');
    await inside;
    clock.advance(HOUR);
    assert.equal(await runnerB.runIfDue('shared'), 'locked');
    open();
    assert.equal(await runningOnA, 'ran');
    assert.equal(await runs.count(), 3);
  });
});
