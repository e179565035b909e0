import { isAgentId } from './ids.js';
import { downWildcard, isValidTopicPrefix, parseTopic } from './topics.js';

/**
 * The agent ACL of DESIGN.md §4, as pure functions so the broker and its tests share one
 * definition: an agent publishes only its own `up/*` and `presence`, subscribes only to its own
 * `down/#` (or one of its own down topics). No other wildcard, nothing under `$SYS`. The broker
 * checks an agent's last will with agentMayPublish too: it is a publish made on its behalf.
 */

/** `retain`: only presence may be retained; a retained `up` message would replay to the core forever. */
export function agentMayPublish(prefix: string, agentId: string, topic: string, retain = false): boolean {
  const parsed = parseTopic(prefix, topic);
  if (parsed === null || parsed.agentId !== agentId) return false;
  return parsed.kind === 'presence' || (parsed.kind === 'up' && !retain);
}

export function agentMaySubscribe(prefix: string, agentId: string, topicFilter: string): boolean {
  if (!isAgentId(agentId) || !isValidTopicPrefix(prefix)) return false;
  if (topicFilter === downWildcard(prefix, agentId)) return true;
  const parsed = parseTopic(prefix, topicFilter);
  return parsed !== null && parsed.agentId === agentId && parsed.kind === 'down';
}
