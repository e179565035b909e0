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

  it('logs a failed write and still writes the marks that come after it', async () => {
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
    await marks.flush();
    marks.sent(scan('c2'), t(2));
    await marks.flush();
    assert.deepEqual(writes, [[{ id: 'c2', sentAt: t(2), acknowledgedAt: null }]]);
  });
});
