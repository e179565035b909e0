/**
 * Ids on the wire are lowercase UUIDs. One spelling per id matters because ids are compared as
 * strings everywhere: topic ACLs, receipt `ackOf`, the agent's command journal, database keys.
 */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const UUID_RE = new RegExp(UUID_PATTERN);

/** True for a lowercase UUID such as `crypto.randomUUID()` returns. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** Agent ids are UUIDs assigned by the core at registration; the MQTT clientId and username. */
export const isAgentId = isUuid;
