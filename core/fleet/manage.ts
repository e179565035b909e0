import type { Database } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import type { ServerKeyring } from './server-keys.js';

/**
 * What management commands (`redflag token|agent|keys …`) need, whether they run inside the
 * core (through the admin socket) or open the database themselves when no core runs.
 */
export interface ManageContext {
  db: Database;
  keys: ServerKeyring;
  events: EventRecorder;
  serverUrl: string;
  keyRotationOverlapHours: number;
  /** Closes an agent's live MQTT connection; a no-op when no core (and so no broker) runs. */
  disconnect(agentId: string): boolean;
}

export async function rotateServerKey(ctx: ManageContext, by: string | null) {
  const previous = ctx.keys.active();
  const key = ctx.keys.rotate(ctx.keyRotationOverlapHours);
  await ctx.events.record({
    type: 'security',
    subtype: 'server_key_rotated',
    severity: 'info',
    component: 'fleet',
    message: `server signing key rotated to ${key.keyId}; ${previous.keyId} verifies until ${previous.retiresAt}`,
    metadata: { keyId: key.keyId, previousKeyId: previous.keyId, previousRetiresAt: previous.retiresAt, by },
  });
  return { keyId: key.keyId, previousKeyId: previous.keyId, previousRetiresAt: previous.retiresAt };
}
