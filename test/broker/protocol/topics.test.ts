import assert from 'node:assert/strict';
import {
  DEFAULT_TOPIC_PREFIX,
  DOWN_TYPES,
  UP_TYPES,
  agentMayPublish,
  agentMaySubscribe,
  downTopic,
  downWildcard,
  parseTopic,
  presenceTopic,
  upTopic,
} from '../../../broker/protocol/index.js';

const AGENT = 'c1e1fac8-e8b3-4e42-a2b7-11052ea6861b';
const OTHER = '0b5d6c2e-9a41-4f6e-8d0c-3b2a1f9e8d7c';
const rf = DEFAULT_TOPIC_PREFIX;

describe('broker/protocol topics', () => {
  it('builds the documented topics', () => {
    assert.equal(rf, 'rf');
    assert.equal(upTopic(rf, AGENT, 'scan'), `rf/v1/agents/${AGENT}/up/scan`);
    assert.equal(downTopic(rf, AGENT, 'command'), `rf/v1/agents/${AGENT}/down/command`);
    assert.equal(presenceTopic(rf, AGENT), `rf/v1/agents/${AGENT}/presence`);
    assert.equal(downWildcard(rf, AGENT), `rf/v1/agents/${AGENT}/down/#`);
  });

  for (const prefix of ['rf', 'home/rf', 'red-flag.lab']) {
    it(`parses back every topic it builds under prefix ${prefix}`, () => {
      for (const type of UP_TYPES) {
        assert.deepEqual(parseTopic(prefix, upTopic(prefix, AGENT, type)), {
          agentId: AGENT,
          kind: 'up',
          type,
        });
      }
      for (const type of DOWN_TYPES) {
        assert.deepEqual(parseTopic(prefix, downTopic(prefix, AGENT, type)), {
          agentId: AGENT,
          kind: 'down',
          type,
        });
      }
      assert.deepEqual(parseTopic(prefix, presenceTopic(prefix, AGENT)), {
        agentId: AGENT,
        kind: 'presence',
      });
    });
  }

  describe('parseTopic refuses anything else', () => {
    const refused: Record<string, string> = {
      'a + wildcard for the agent': 'rf/v1/agents/+/up/scan',
      'a + wildcard for the type': `rf/v1/agents/${AGENT}/up/+`,
      'a # wildcard': `rf/v1/agents/${AGENT}/up/#`,
      'its own down wildcard': `rf/v1/agents/${AGENT}/down/#`,
      'another prefix': `xf/v1/agents/${AGENT}/up/scan`,
      'a longer prefix': `home/rf/v1/agents/${AGENT}/up/scan`,
      'another version': `rf/v2/agents/${AGENT}/up/scan`,
      'an extra level': `rf/v1/agents/${AGENT}/up/scan/extra`,
      'a trailing slash': `rf/v1/agents/${AGENT}/up/scan/`,
      'a missing type': `rf/v1/agents/${AGENT}/up`,
      'a level under presence': `rf/v1/agents/${AGENT}/presence/x`,
      'an unknown up type': `rf/v1/agents/${AGENT}/up/shell`,
      'a down type under up': `rf/v1/agents/${AGENT}/up/command`,
      'an up type under down': `rf/v1/agents/${AGENT}/down/scan`,
      'an uppercase UUID': `rf/v1/agents/${AGENT.toUpperCase()}/up/scan`,
      'an agent id that is no UUID': 'rf/v1/agents/agent-1/up/scan',
      'an empty agent id': 'rf/v1/agents//up/scan',
      'a $SYS topic': '$SYS/broker/clients/connected',
      'the prefix alone': 'rf',
      'an empty topic': '',
    };
    for (const [what, topic] of Object.entries(refused)) {
      it(what, () => assert.equal(parseTopic(rf, topic), null));
    }
  });

  it('refuses to build a topic from a bad agent id or prefix, so none can become a wildcard', () => {
    assert.throws(() => upTopic(rf, '+', 'scan'), /agent id/);
    assert.throws(() => downWildcard(rf, '#'), /agent id/);
    assert.throws(() => presenceTopic(rf, AGENT.toUpperCase()), /agent id/);
    assert.throws(() => downTopic('rf/+', AGENT, 'command'), /prefix/);
    assert.throws(() => upTopic('rf/', AGENT, 'scan'), /prefix/);
    assert.throws(() => upTopic('$SYS', AGENT, 'scan'), /prefix/);
    assert.throws(() => upTopic(rf, AGENT, 'command' as never), /unknown up message type/);
  });

  describe('agent ACL', () => {
    it('lets an agent publish its own up messages and presence, nothing else', () => {
      for (const type of UP_TYPES) assert.equal(agentMayPublish(rf, AGENT, upTopic(rf, AGENT, type)), true);
      assert.equal(agentMayPublish(rf, AGENT, presenceTopic(rf, AGENT)), true);
      assert.equal(agentMayPublish(rf, AGENT, upTopic(rf, OTHER, 'scan')), false);
      assert.equal(agentMayPublish(rf, AGENT, presenceTopic(rf, OTHER)), false);
      assert.equal(agentMayPublish(rf, AGENT, downTopic(rf, AGENT, 'command')), false);
      assert.equal(agentMayPublish(rf, AGENT, `rf/v1/agents/${AGENT}/up/#`), false);
      assert.equal(agentMayPublish(rf, AGENT, '$SYS/broker/uptime'), false);
    });

    it('lets an agent retain only its presence', () => {
      assert.equal(agentMayPublish(rf, AGENT, presenceTopic(rf, AGENT), true), true);
      assert.equal(agentMayPublish(rf, AGENT, upTopic(rf, AGENT, 'hello'), true), false);
    });

    it('lets an agent subscribe to its own down topics only', () => {
      assert.equal(agentMaySubscribe(rf, AGENT, downWildcard(rf, AGENT)), true);
      assert.equal(agentMaySubscribe(rf, AGENT, downTopic(rf, AGENT, 'command')), true);
      assert.equal(agentMaySubscribe(rf, AGENT, downWildcard(rf, OTHER)), false);
      assert.equal(agentMaySubscribe(rf, AGENT, upTopic(rf, AGENT, 'scan')), false);
      assert.equal(agentMaySubscribe(rf, AGENT, presenceTopic(rf, AGENT)), false);
      assert.equal(agentMaySubscribe(rf, AGENT, `rf/v1/agents/${AGENT}/#`), false);
      assert.equal(agentMaySubscribe(rf, AGENT, `rf/v1/agents/+/down/#`), false);
      assert.equal(agentMaySubscribe(rf, AGENT, 'rf/#'), false);
      assert.equal(agentMaySubscribe(rf, AGENT, '#'), false);
      assert.equal(agentMaySubscribe(rf, AGENT, '$SYS/#'), false);
      assert.equal(agentMaySubscribe(rf, 'agent-1', 'rf/v1/agents/agent-1/down/#'), false);
    });
  });
});
