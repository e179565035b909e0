import { agentMayPublish, agentMaySubscribe, parseTopic } from './protocol/index.js';

/**
 * The broker's wording of the protocol ACL (broker/protocol/acl.ts, DESIGN.md §4): null when
 * allowed, else the reason recorded in the refusal event.
 */
export function publishRefusal(
  prefix: string,
  agentId: string,
  topic: string,
  retain: boolean,
): string | null {
  if (!agentMayPublish(prefix, agentId, topic))
    return `publish to ${topic}: agents publish only to their own up/… and presence topics`;
  // Only presence is retained; a retained `up` message would be replayed to the core forever.
  if (retain && parseTopic(prefix, topic)?.kind !== 'presence')
    return `publish to ${topic}: only presence may be retained`;
  return null;
}

export function subscribeRefusal(prefix: string, agentId: string, topic: string): string | null {
  if (agentMaySubscribe(prefix, agentId, topic)) return null;
  return `subscribe to ${topic}: agents subscribe only to their own ${prefix}/v1/agents/${agentId}/down/#`;
}
