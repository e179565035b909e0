import assert from 'node:assert/strict';
import { Backoff } from '../../../agent/connection/backoff.js';

describe('agent reconnect backoff', () => {
  it('doubles up to its cap, half of each delay random, and starts over after a reset', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 60_000, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 60_000, random: () => 0.999999 });
    const lows = Array.from({ length: 9 }, () => low.next());
    const highs = Array.from({ length: 9 }, () => high.next());
    assert.deepEqual(lows, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.deepEqual(highs, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    low.reset();
    assert.equal(low.next(), 500);
  });

  it('never overflows, however long it has been failing', () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 300_000, random: () => 0.5 });
    for (let i = 0; i < 5000; i++) assert.ok(Number.isFinite(b.next()));
    assert.equal(b.next(), 225_000);
  });
});
