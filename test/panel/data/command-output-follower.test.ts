import assert from 'node:assert/strict';
import type { CommandOutputLine, CommandOutputPage } from '../../../panel/src/data/api-types.js';
import { CommandOutputFollower, type OutputState } from '../../../panel/src/data/command-output-follower.js';
import { type LiveHarness, openLiveHarness } from './live-server.js';

const ID = '77a1c0de-0000-4000-8000-000000000001';
const line = (seq: number, percent?: number): CommandOutputLine => ({
  seq,
  stream: 'stdout',
  line: `line ${seq}`,
  ts: '2026-12-01T10:00:00.000Z',
  ...(percent === undefined ? {} : { percent }),
});

/** The stored output as GET /api/v1/commands/{id}/output answers it, one read at a time on demand. */
class StoredOutput {
  reads: number[] = [];
  private waiting: Array<{ after: number; answer(page: CommandOutputPage): void }> = [];
  read = (_id: string, after: number): Promise<CommandOutputPage> => {
    this.reads.push(after);
    return new Promise((answer) => this.waiting.push({ after, answer }));
  };
  /** Answers the oldest read with these lines and `next`. */
  answer(lines: CommandOutputLine[], next: number | null = null): void {
    const read = this.waiting.shift();
    assert.ok(read, 'a read is waiting');
    read.answer({ commandId: ID, status: 'running', lines, next });
  }
  get pending(): number {
    return this.waiting.length;
  }
}

function until(f: CommandOutputFollower, check: (s: OutputState) => boolean): Promise<OutputState> {
  return new Promise((resolve) => {
    if (check(f.state.value)) return resolve(f.state.value);
    const off = f.state.subscribe((s) => {
      if (check(s)) {
        off();
        resolve(s);
      }
    });
  });
}

const seqs = (s: OutputState) => s.lines.map((l) => l.seq);

describe('panel data: following a command’s output (backlog, then live)', () => {
  let live: LiveHarness;
  let stored: StoredOutput;
  let follower: CommandOutputFollower;

  beforeEach(async () => {
    live = await openLiveHarness();
    stored = new StoredOutput();
    follower = new CommandOutputFollower({ commandId: ID, output: stored.read, live: live.client });
  });
  afterEach(async () => {
    follower.stop();
    await live.close();
  });

  it('shows every line once, in order, when live lines arrive while the backlog is read', async () => {
    follower.start();
    assert.deepEqual(stored.reads, [-1], 'reads from the first line');
    // Lines 2 and 3 were stored and streamed while the read of 0–2 was under way.
    live.event('command.output', 'a', { commandId: ID, lines: [line(2), line(3)], percent: 30 });
    await live.settled();
    assert.deepEqual(seqs(follower.state.value), [2, 3]);
    stored.answer([line(0), line(1), line(2, 20)]);
    const s = await until(follower, (st) => st.loaded);
    assert.deepEqual(seqs(s), [0, 1, 2, 3]);
    assert.equal(s.percent, 30, 'the older page does not take back the newer percentage');
    live.event('command.output', 'a', { commandId: ID, lines: [line(4)] });
    live.event('command.output', 'a', { commandId: 'another', lines: [line(9)] });
    await live.settled();
    assert.deepEqual(seqs(follower.state.value), [0, 1, 2, 3, 4], 'other commands’ lines stay out');
  });

  it('reads a long backlog page by page', async () => {
    follower.start();
    stored.answer([line(0), line(1)], 1);
    await until(follower, (s) => s.lines.length === 2);
    assert.deepEqual(stored.reads, [-1, 1], 'the next page starts after the last');
    stored.answer([line(2)]);
    const s = await until(follower, (st) => st.loaded);
    assert.deepEqual(seqs(s), [0, 1, 2]);
  });

  it('after a live reset reads again what follows the last line it had', async () => {
    follower.start();
    stored.answer([line(0), line(1)]);
    await until(follower, (s) => s.loaded);
    live.reset();
    await live.settled();
    assert.deepEqual(stored.reads, [-1, 1]);
    stored.answer([line(2), line(3)]);
    const s = await until(follower, (st) => st.lines.length === 4);
    assert.deepEqual(seqs(s), [0, 1, 2, 3]);
  });

  it('stops listening when stopped', async () => {
    follower.start();
    stored.answer([]);
    await until(follower, (s) => s.loaded);
    follower.stop();
    live.event('command.output', 'a', { commandId: ID, lines: [line(0)] });
    await live.settled();
    assert.deepEqual(follower.state.value.lines, []);
    assert.equal(stored.pending, 0);
  });
});
