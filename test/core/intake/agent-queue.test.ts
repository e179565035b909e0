import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ReceiptMessage } from '../../../broker/protocol/index.js';
import type { Database } from '../../../core/db/index.js';
import { createEventRecorder } from '../../../core/events/index.js';
import { createIntake } from '../../../core/intake/index.js';
import { PerAgentQueue } from '../../../core/intake/agent-queue.js';
import { createLogger } from '../../../core/log/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { registerAgentInDb } from '../../helpers/registered-agent.js';

// Issue 21 §8: the broker hands messages over without back-pressure, so what waits for the
// intake is bounded by its limits, not by how fast agents publish.

/** A gate the test opens: work queued behind it waits. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('intake: per-agent queue', () => {
  const limits = { bytesPerAgent: 10 * 1024, messagesPerAgent: 50, bytes: 25 * 1024 };

  it('keeps what waits for an agent within its limits, however many messages arrive', async () => {
    const queue = new PerAgentQueue(() => {}, limits);
    const blocked = gate();
    let ran = 0;
    let taken = 0;
    for (let i = 0; i < 10_000; i++) {
      if (queue.offer('a', 1024, () => blocked.opened.then(() => void ran++))) taken++;
      const usage = queue.usage('a');
      assert.ok(usage.bytes <= limits.bytesPerAgent && usage.messages <= limits.messagesPerAgent);
    }
    assert.equal(taken, 10);
    // Small messages are bounded by their number.
    for (let i = 0; i < 10_000; i++) queue.offer('b', 1, () => blocked.opened);
    assert.equal(queue.usage('b').messages, limits.messagesPerAgent);
    // And all agents together by their bytes.
    for (let agent = 0; agent < 100; agent++) queue.offer(`c${agent}`, 4096, () => blocked.opened);
    assert.ok(queue.usage().bytes <= limits.bytes, JSON.stringify(queue.usage()));
    blocked.open();
    await queue.drain();
    assert.equal(ran, 10);
    assert.deepEqual(queue.usage(), { lanes: 0, messages: 0, bytes: 0 });
  });

  it("never refuses the core's own work for an agent (connect, disconnect)", async () => {
    const queue = new PerAgentQueue(() => {}, limits);
    const blocked = gate();
    while (queue.offer('a', 1024, () => blocked.opened));
    let ran = 0;
    for (let i = 0; i < 100; i++) void queue.push('a', async () => void ran++);
    blocked.open();
    await queue.drain();
    assert.equal(ran, 100);
  });

  it('keeps nothing for an agent once its work is done', async () => {
    const queue = new PerAgentQueue(() => {}, limits);
    for (let i = 0; i < 10_000; i++) queue.offer(randomUUID(), 100, async () => {});
    await queue.drain();
    assert.deepEqual(queue.usage(), { lanes: 0, messages: 0, bytes: 0 });
  });
});

describeEachDatabase('intake: a message beyond the queue limits', (target) => {
  let db: Database;
  let agentId: string;
  before(async () => {
    db = await target.open();
    await db.migrate();
    agentId = await registerAgentInDb(db, 'host');
  });

  it('is dropped unread, unanswered (the agent sends it again), and recorded as an event', async () => {
    const logger = createLogger('silent');
    const events = createEventRecorder({ db, logger, perMinute: 10 });
    const receipts: ReceiptMessage[] = [];
    const blocked = gate();
    const intake = createIntake({
      events,
      logger,
      sendReceipt: async (_agentId, receipt) => void receipts.push(receipt),
      handlers: {
        async event() {
          await blocked.opened;
          return 'stored';
        },
      },
      queueLimits: { bytesPerAgent: 64 * 1024, messagesPerAgent: 5, bytes: 1024 * 1024 },
    });
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids)
      intake.accept(
        agentId,
        'event',
        Buffer.from(
          JSON.stringify({
            v: 1,
            id,
            ts: new Date().toISOString(),
            type: 'x',
            severity: 'info',
            message: 'm',
          }),
        ),
      );
    blocked.open();
    await intake.drain();
    assert.deepEqual(
      receipts.map((r) => r.ackOf),
      ids.slice(0, 5),
    );
    // The event is recorded in the background: wait for it.
    let dropped: Awaited<ReturnType<Database['systemEvents']['list']>> = [];
    for (let tries = 0; dropped.length === 0 && tries < 400; tries++) {
      await new Promise((r) => setTimeout(r, 25));
      dropped = (await db.systemEvents.list({ limit: 100 })).filter((e) => e.subtype === 'message_dropped');
    }
    await events.close();
    assert.match(dropped[0]!.message, /dropped an unread event message of \d+ bytes: 5 messages/);
  });
});
