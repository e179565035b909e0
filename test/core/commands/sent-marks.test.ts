import assert from 'node:assert/strict';
import { createSentMarks } from '../../../core/commands/sent-marks.js';
import { createLogger } from '../../../core/log/index.js';

type Mark = { id: string; at: Date };

function marksWith(write: (marks: Mark[]) => Promise<void>, delayMs = 10_000) {
  return createSentMarks({ write, logger: createLogger('silent'), delayMs });
}

describe('core/commands sent marks', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 11, 3, 12, 0, s));

  it('writes every mark still waiting in one write, once the delay has passed', async () => {
    const writes: Mark[][] = [];
    const marks = marksWith(async (m) => void writes.push(m), 20);
    marks.add('c1', 'a1', t(1));
    marks.add('c2', 'a2', t(2));
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(writes, [
      [
        { id: 'c1', at: t(1) },
        { id: 'c2', at: t(2) },
      ],
    ]);
  });

  it('hands a mark to its own agent’s ack, which then records it, and never to another agent', async () => {
    const writes: Mark[][] = [];
    const marks = marksWith(async (m) => void writes.push(m));
    marks.add('c1', 'a1', t(1));
    assert.equal(marks.claim('c1', 'someone-else'), undefined);
    assert.deepEqual(marks.claim('c1', 'a1'), t(1));
    assert.equal(marks.claim('c1', 'a1'), undefined, 'claimed twice');
    await marks.flush();
    assert.deepEqual(writes, [], 'a claimed mark was written again');
  });

  it('keeps the first send time of a command sent again before it was written', async () => {
    const writes: Mark[][] = [];
    const marks = marksWith(async (m) => void writes.push(m));
    marks.add('c1', 'a1', t(1));
    marks.add('c1', 'a1', t(5));
    await marks.flush();
    assert.deepEqual(writes, [[{ id: 'c1', at: t(1) }]]);
  });

  it('lets a cancel wait for a write that already took the mark, so it reads the send time', async () => {
    let finishWrite!: () => void;
    let written = false;
    const marks = marksWith(
      (_m) =>
        new Promise<void>((resolve) => {
          finishWrite = () => {
            written = true;
            resolve();
          };
        }),
    );
    marks.add('c1', 'a1', t(1));
    void marks.flush();
    await new Promise((r) => setImmediate(r));
    const settled = marks.claimOrSettle('c1');
    setTimeout(() => finishWrite(), 20);
    assert.equal(await settled, undefined);
    assert.ok(written, 'claimOrSettle returned before the write was done');
  });

  it('logs a failed write and still writes the marks that come after it', async () => {
    const writes: Mark[][] = [];
    let fail = true;
    const marks = marksWith(async (m) => {
      if (fail) {
        fail = false;
        throw new Error('database gone');
      }
      writes.push(m);
    });
    marks.add('c1', 'a1', t(1));
    await marks.flush();
    marks.add('c2', 'a1', t(2));
    await marks.flush();
    assert.deepEqual(writes, [[{ id: 'c2', at: t(2) }]]);
  });
});
