import assert from 'node:assert/strict';
import type { ClientErrorReport } from '../../../panel/src/data/api-types.js';
import { ErrorReporter } from '../../../panel/src/data/error-reporter.js';
import { ManualClock, MemoryStorage } from './manual-clock.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function reporterWith(
  opts: { fail?: () => boolean; refuse?: () => boolean; online?: () => boolean; cap?: number } = {},
) {
  const clock = new ManualClock();
  const storage = new MemoryStorage();
  const sent: ClientErrorReport[] = [];
  let attempts = 0;
  const make = () =>
    new ErrorReporter({
      send: async (batch) => {
        attempts++;
        if (opts.fail?.()) throw Object.assign(new Error('core unreachable'), { retry: true });
        if (opts.refuse?.()) throw Object.assign(new Error('429 rate_limited'), { retry: false });
        sent.push(...batch);
      },
      isRetryable: (err) => (err as { retry: boolean }).retry,
      storage,
      clock,
      cap: opts.cap ?? 50,
      backoff: { initialMs: 1000, maxMs: 60_000 },
      ...(opts.online ? { isOnline: opts.online } : {}),
    });
  return { clock, storage, sent, make, attempts: () => attempts };
}

const report = (message: string) => ({ subsystem: 'panel', type: 'error', message });

describe('panel data: the client error reporter', () => {
  it('sends a report at once with the time it happened', async () => {
    const t = reporterWith();
    t.make().report(report('boom'));
    await settle();
    assert.equal(t.sent.length, 1);
    assert.equal(t.sent[0]!.message, 'boom');
    assert.equal(t.sent[0]!.occurredAt, new Date(t.clock.now()).toISOString());
  });

  it('keeps failed reports in storage and retries with growing backoff until the core answers', async () => {
    let down = true;
    const t = reporterWith({ fail: () => down });
    const reporter = t.make();
    reporter.report(report('one'));
    reporter.report(report('two'));
    await settle();
    assert.equal(t.sent.length, 0);
    assert.equal(JSON.parse(t.storage.getItem('redflag.clientErrors')!).length, 2, 'queued in localStorage');
    for (let i = 0; i < 3; i++) {
      t.clock.advance(t.clock.delays.at(-1)!);
      await settle();
    }
    assert.deepEqual(t.clock.delays, [750, 1500, 3000, 6000], 'each wait doubles (half fixed, half jitter)');
    down = false;
    t.clock.advance(t.clock.delays.at(-1)!);
    await settle();
    assert.deepEqual(
      t.sent.map((r) => r.message),
      ['one', 'two'],
      'sent oldest first once the core answers',
    );
    assert.equal(JSON.parse(t.storage.getItem('redflag.clientErrors')!).length, 0);
  });

  it('sends what an earlier page left in storage (a reload while offline loses nothing)', async () => {
    let down = true;
    const t = reporterWith({ fail: () => down });
    t.make().report(report('before reload'));
    await settle();
    down = false;
    const after = t.make();
    assert.equal(after.pending.length, 1);
    await after.flush();
    assert.deepEqual(
      t.sent.map((r) => r.message),
      ['before reload'],
    );
  });

  it('waits while offline and sends when the browser is back online', async () => {
    let online = false;
    const t = reporterWith({ online: () => online });
    const reporter = t.make();
    reporter.report(report('offline'));
    await settle();
    assert.equal(t.attempts(), 0, 'no request while offline');
    online = true;
    reporter.resume();
    await settle();
    assert.deepEqual(
      t.sent.map((r) => r.message),
      ['offline'],
    );
  });

  it('drops a batch the core refuses instead of retrying or reporting it', async () => {
    const t = reporterWith({ refuse: () => true });
    const reporter = t.make();
    reporter.report(report('refused'));
    await settle();
    assert.equal(t.attempts(), 1);
    assert.equal(reporter.pending.length, 0);
    assert.equal(t.clock.timers.size, 0, 'no retry scheduled');
  });

  it('sends at most 20 reports a request', async () => {
    let down = true;
    const batches: number[] = [];
    const t = reporterWith({ fail: () => down });
    const reporter = new ErrorReporter({
      send: async (batch) => {
        if (down) throw new Error('offline');
        batches.push(batch.length);
      },
      clock: t.clock,
    });
    for (let i = 0; i < 45; i++) reporter.report(report(`r${i}`));
    await settle();
    down = false;
    reporter.resume();
    await settle();
    assert.deepEqual(batches, [20, 20, 5]);
  });

  it('caps the queue, dropping the oldest reports', async () => {
    const t = reporterWith({ fail: () => true, cap: 3 });
    const reporter = t.make();
    for (const m of ['a', 'b', 'c', 'd', 'e']) reporter.report(report(m));
    await settle();
    assert.deepEqual(
      reporter.pending.map((r) => r.message),
      ['c', 'd', 'e'],
    );
    assert.equal(JSON.parse(t.storage.getItem('redflag.clientErrors')!).length, 3);
  });
});
