import type { BrokerRefusal } from '../../broker/index.js';
import type { EventRecorder } from '../events/index.js';

/** Refusals that can only happen to an enrolled agent, so its id may be recorded as such. */
const AGENT_EXISTS = new Set([
  'revoked',
  'identity_conflict',
  'malformed_password',
  'bad_signature',
  'clock_skew',
  'replayed_nonce',
  'publish_denied',
  'subscribe_denied',
]);

/**
 * Records a broker refusal as a security event, at most `perMinute` per source address and
 * claimed agent id together (issue 21 §9): keyed on the claimed id alone, wrong keys sent in a
 * victim's name from elsewhere used up the victim's budget, and its own refusals then showed
 * only in a summary. The address is what the sender controls least; with it in the key, a
 * flood from one place leaves the refusals from every other place recorded one by one.
 */
export function recordBrokerRefusal(events: EventRecorder, refusal: BrokerRefusal): Promise<void> {
  const key = `broker:${refusal.address ?? 'unknown address'}|${refusal.agentId ?? ''}`;
  return events.recordLimited(key, {
    type: 'security',
    subtype: `mqtt_${refusal.reason}`,
    severity: 'warning',
    component: 'broker',
    // Only an agent that exists may be named; a stranger's claimed id stays in metadata.
    agentId: AGENT_EXISTS.has(refusal.reason) ? refusal.agentId : null,
    message: `MQTT ${refusal.reason.replace(/_/g, ' ')} from ${refusal.address ?? 'unknown address'}: ${refusal.detail}`,
    metadata: { ...refusal },
  });
}
