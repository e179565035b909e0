import assert from 'node:assert/strict';
import { createDeliveryMarks, type DeliveryMark } from '../../../core/commands/delivery-marks.js';
import { createLogger } from '../../../core/log/index.js';

function marksWith(write: (marks: DeliveryMark[]) => Promise<void>, delayMs = 10_000) {
  return createDeliveryMarks({ write, logger: createLogger('silent'), delayMs });
}

describe('core/commands delivery marks', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, s));
  const scan = (id: string, agentId = 'a1') => ({ id, agentId, type: 'scan' });

  it('writes every command sent and acknowledged meanwhile in one write, once the delay has passed', async () => {
    const writes: DeliveryMark[][] = [];
    const marks = marksWith(async (m) => void writes.push(m), 20);
    marks.sent(scan('c1'), t(1));
    marks.sent(scan('c2', 'a2'), t(2));
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(3)), { kind: 'recorded', type: 'scan' });
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(writes, [
      [
        { id: 'c1', sentAt: t(1), acknowledgedAt: t(3) },
        { id: 'c2', sentAt: t(2), acknowledgedAt: null },
      ],
    ]);
  });

  it('takes an ack only from the agent the command went to, and only once', () => {
    const marks = marksWith(async () => {});
    marks.sent(scan('c1'), t(1));
    assert.deepEqual(marks.acknowledged('c1', 'someone-else', t(2)), { kind: 'unknown' });
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(2)), { kind: 'recorded', type: 'scan' });
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(3)), { kind: 'repeated' });
    assert.deepEqual(marks.acknowledged('never-sent', 'a1', t(3)), { kind: 'unknown' });
  });

  it('sends the table to an ack that comes after its command’s mark was written', async () => {
    const marks = marksWith(async () => {});
    marks.sent(scan('c1'), t(1));
    await marks.flush();
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(2)), { kind: 'unknown' });
  });

  it('keeps the first send time of a command sent again before it was written', async () => {
    const writes: DeliveryMark[][] = [];
    const marks = marksWith(async (m) => void writes.push(m));
    marks.sent(scan('c1'), t(1));
    marks.sent(scan('c1'), t(5));
    await marks.flush();
    assert.deepEqual(writes, [[{ id: 'c1', sentAt: t(1), acknowledgedAt: null }]]);
  });

  it('lets a flush wait for a write already under way, so the caller reads the table after it', async () => {
    let finishWrite!: () => void;
    let written = false;
    const marks = marksWith(
      () =>
        new Promise<void>((resolve) => {
          finishWrite = () => {
            written = true;
            resolve();
          };
        }),
    );
    marks.sent(scan('c1'), t(1));
    void marks.flush();
    setTimeout(() => finishWrite(), 20);
    await marks.flush();
    assert.ok(written, 'the second flush returned before the first write was done');
  });

  it('a write the database refuses fails its flush, and its marks go with the next write (issue 25 §3)', async () => {
    const writes: DeliveryMark[][] = [];
    let fail = true;
    const marks = marksWith(async (m) => {
      if (fail) {
        fail = false;
        throw new Error('database gone');
      }
      writes.push(m);
    });
    marks.sent(scan('c1'), t(1));
    // A result waiting on this flush must not finish the command without its marks.
    await assert.rejects(marks.flush(), /database gone/);
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(2)), { kind: 'recorded', type: 'scan' });
    marks.sent(scan('c2'), t(3));
    await marks.flush();
    assert.deepEqual(writes, [
      [
        { id: 'c1', sentAt: t(1), acknowledgedAt: t(2) },
        { id: 'c2', sentAt: t(3), acknowledgedAt: null },
      ],
    ]);
  });

  it('tries a failed write again by itself until it is written', async () => {
    const writes: DeliveryMark[][] = [];
    let failures = 2;
    const marks = marksWith(async (m) => {
      if (failures-- > 0) throw new Error('database gone');
      writes.push(m);
    }, 10);
    marks.sent(scan('c1'), t(1));
    for (let i = 0; i < 400 && writes.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(writes, [[{ id: 'c1', sentAt: t(1), acknowledgedAt: null }]]);
  });

  it('an ack that arrives while its sent mark is being written is recorded, not lost with a failing write', async () => {
    const writes: DeliveryMark[][] = [];
    let release!: (err?: Error) => void;
    let first = true;
    const marks = marksWith(async (m) => {
      if (first) {
        first = false;
        await new Promise<void>((resolve, reject) => (release = (err) => (err ? reject(err) : resolve())));
      }
      writes.push(m);
    });
    marks.sent(scan('c1'), t(1));
    const flushing = marks.flush();
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(2)), { kind: 'recorded', type: 'scan' });
    assert.deepEqual(marks.acknowledged('c1', 'a1', t(2)), { kind: 'repeated' });
    await new Promise((r) => setImmediate(r)); // the write has started
    release(new Error('database gone'));
    await assert.rejects(flushing);
    await marks.flush();
    assert.deepEqual(writes.at(-1), [{ id: 'c1', sentAt: t(1), acknowledgedAt: t(2) }]);
  });
});
