import assert from 'node:assert/strict';
import type { Database, NewSystemEvent } from '../../../core/db/index.js';
import { createEventRecorder } from '../../../core/events/index.js';
import { createLogger } from '../../../core/log/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';

const refusal = (n: number): NewSystemEvent => ({
  type: 'security',
  subtype: 'mqtt_bad_signature',
  severity: 'warning',
  component: 'broker',
  agentId: null,
  message: `refusal ${n}`,
  metadata: { n },
});

describeEachDatabase('core/events recorder: limited events (issue 21 §9)', (target) => {
  let db: Database;
  before(async () => {
    db = await target.open();
    await db.migrate();
  });

  it('keeps the limit and the summary exact when refusals of a new minute arrive together', async () => {
    let now = 1_000_000;
    const events = createEventRecorder({ db, logger: createLogger('silent'), perMinute: 3, now: () => now });
    await events.recordLimited('k', refusal(0));
    now += 60_000;
    // Six at once, as a burst of connects reports them: the first ends the old minute's window.
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => events.recordLimited('k', refusal(n))));
    await events.close();

    const stored = await db.systemEvents.list({ type: 'security', limit: 100 });
    const single = stored.filter((e) => e.metadata.suppressed === undefined);
    const summaries = stored.filter((e) => e.metadata.suppressed !== undefined);
    assert.equal(single.length, 1 + 3, single.map((e) => e.message).join('; '));
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]!.metadata.suppressed, 3);
  });
});
