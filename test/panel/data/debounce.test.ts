import assert from 'node:assert/strict';
import { debounce } from '../../../panel/src/data/debounce.js';
import { ManualClock } from './manual-clock.js';

describe('panel data: debounce (the updates search)', () => {
  it('calls once typing pauses, with the last text typed', () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const search = debounce((q: string) => calls.push(q), 300, clock);
    for (const q of ['o', 'op', 'ope', 'open']) {
      search(q);
      clock.advance(100);
    }
    assert.deepEqual(calls, []);
    clock.advance(300);
    assert.deepEqual(calls, ['open']);
    clock.advance(1000);
    assert.deepEqual(calls, ['open'], 'once');
  });

  it('runs a waiting call at once on flush (Enter), and drops it on cancel', () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const search = debounce((q: string) => calls.push(q), 300, clock);
    search('ssl');
    search.flush();
    assert.deepEqual(calls, ['ssl']);
    search.flush();
    assert.deepEqual(calls, ['ssl'], 'nothing waits any more');
    search('gone');
    search.cancel();
    clock.advance(1000);
    assert.deepEqual(calls, ['ssl']);
  });
});
