import assert from 'node:assert/strict';
import type { CommandOutputLine } from '../../../panel/src/data/api-types.js';
import { lastSeq, mergeOutput } from '../../../panel/src/data/command-output.js';

const line = (seq: number, text = `line ${seq}`): CommandOutputLine => ({
  seq,
  stream: 'stdout',
  line: text,
  ts: '2026-12-01T10:00:00.000Z',
});
const seqs = (lines: readonly CommandOutputLine[]) => lines.map((l) => l.seq);

describe('panel data: merging a command’s output lines', () => {
  it('appends a live batch that follows what is shown', () => {
    assert.deepEqual(seqs(mergeOutput([line(0), line(1)], [line(2), line(3)])), [0, 1, 2, 3]);
  });

  it('keeps each line once where the backlog and the live lines overlap, in seq order', () => {
    // Live lines 2 and 3 arrived while the backlog (0–2) was being read.
    const live = mergeOutput([], [line(2), line(3)]);
    const merged = mergeOutput(live, [line(0), line(1), line(2, 'line 2 again')]);
    assert.deepEqual(seqs(merged), [0, 1, 2, 3]);
    assert.equal(merged[2]!.line, 'line 2', 'a line already shown does not change');
  });

  it('puts a late line in its place and ignores a repeated batch', () => {
    const shown = [line(0), line(1), line(3)];
    assert.deepEqual(seqs(mergeOutput(shown, [line(2)])), [0, 1, 2, 3]);
    assert.equal(mergeOutput(shown, [line(1), line(3)]), shown, 'nothing new: the same array');
    assert.equal(mergeOutput(shown, []), shown);
  });

  it('orders a batch that came out of order', () => {
    assert.deepEqual(seqs(mergeOutput([line(0)], [line(3), line(1), line(2)])), [0, 1, 2, 3]);
  });

  it('says where to continue reading: the last seq, -1 with none', () => {
    assert.equal(lastSeq([]), -1);
    assert.equal(lastSeq([line(0), line(7)]), 7);
  });
});
