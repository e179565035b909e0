import assert from 'node:assert/strict';
import { publishRefusal, subscribeRefusal } from '../../broker/index.js';

const me = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';

describe('broker ACL wording', () => {
  it('allows own up topics and presence, refuses the rest with a reason', () => {
    assert.equal(publishRefusal('rf', me, `rf/v1/agents/${me}/up/scan`, false), null);
    assert.equal(publishRefusal('rf', me, `rf/v1/agents/${me}/presence`, true), null);
    assert.match(publishRefusal('rf', me, `rf/v1/agents/${other}/up/scan`, false)!, /own up/);
    assert.match(publishRefusal('rf', me, `rf/v1/agents/${me}/down/command`, false)!, /own up/);
    assert.match(publishRefusal('rf', me, '$SYS/broker/clients', false)!, /own up/);
    assert.match(
      publishRefusal('rf', me, `rf/v1/agents/${me}/up/scan`, true)!,
      /only presence may be retained/,
    );
  });

  it('allows only own down/# and own down topics to be subscribed', () => {
    assert.equal(subscribeRefusal('rf', me, `rf/v1/agents/${me}/down/#`), null);
    assert.equal(subscribeRefusal('rf', me, `rf/v1/agents/${me}/down/command`), null);
    for (const topic of [
      '#',
      '+/#',
      `rf/v1/agents/${other}/down/#`,
      `rf/v1/agents/+/down/#`,
      '$SYS/#',
      `rf/v1/agents/${me}/up/#`,
    ])
      assert.ok(subscribeRefusal('rf', me, topic), `${topic} was allowed`);
  });
});
