import assert from 'node:assert/strict';
import { createStoreRetry } from '../../../core/intake/store-retry.js';
import { createLogger } from '../../../core/log/index.js';

// Issue 25 §5: what the database did not take while it was away is tried again until it
// does; anything else fails at once, and a stopping core gives up instead of waiting for ever.
// (test/faults/database-drop.test.ts runs it against a real outage.)

const unavailable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('core/intake: storing again while the database is away', () => {
  const logger = createLogger('silent');

  it('tries again until the database answers, and returns what the store returned', async () => {
    const retry = createStoreRetry(logger, 10);
    let tries = 0;
    const outcome = await retry.run(async () => {
      if (++tries < 4) throw unavailable();
      return 'stored';
    }, {});
    assert.equal(outcome, 'stored');
    assert.equal(tries, 4);
  });

  it('does not try again what the database refused', async () => {
    const retry = createStoreRetry(logger, 10);
    let tries = 0;
    const refused = Object.assign(new Error('value too long'), { code: '22001' });
    await assert.rejects(
      retry.run(async () => {
        tries++;
        throw refused;
      }, {}),
      refused,
    );
    assert.equal(tries, 1);
  });

  it('gives up when the core stops', async () => {
    const retry = createStoreRetry(logger, 60_000);
    const running = retry.run(async () => {
      throw unavailable();
    }, {});
    await new Promise((r) => setTimeout(r, 50));
    retry.stop();
    await assert.rejects(running, /ECONNREFUSED/);
  });
});
