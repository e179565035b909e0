import type { TakeoverEpisode } from '../../broker/index.js';
import type { Agent, Database, IdentityConflict } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';

export interface IdentityContext {
  db: Database;
  events: EventRecorder;
  /** Closes the agent's live MQTT connection and forgets its cached connect key. */
  disconnect(agentId: string): void;
  now?: () => number;
}

/** Hashes are named by their first characters only, in events and in the API. */
export const machinePrefix = (hash: string): string => hash.slice(0, 12);

const UNTIL_REBIND =
  'it is refused at connect until an admin rebinds it (redflag agent rebind, or Rebind on its page)';

/**
 * The hello's machine id against the one the agent is bound to (DESIGN.md §6, issue 21 §5).
 * Until now it was compared only at registration, so a copied identity connected and scanned
 * unnoticed. Returns false when the session must end: the agent is then refused at connect
 * until an admin rebinds it. A hello without a machine id (an agent that could not read it, or
 * one older than the field) has nothing to compare and passes.
 */
export async function checkHelloMachine(
  ctx: IdentityContext,
  agentId: string,
  machineIdHash: string | undefined,
): Promise<boolean> {
  const agent = await ctx.db.agents.findById(agentId);
  if (!agent || agent.status !== 'active') return true; // revocation and deletion close it elsewhere
  if (agent.identityConflict) {
    // Let in by another core whose cache had not heard of the conflict yet.
    ctx.disconnect(agentId);
    return false;
  }
  if (machineIdHash === undefined) return true;
  const address = connectionAddress(agent);
  const now = ctx.now?.() ?? Date.now();
  const rebinding = agent.rebindNextHello && (agent.rebindAllowedUntil?.getTime() ?? 0) > now;
  if (rebinding && (await ctx.db.agents.bindMachine(agentId, machineIdHash))) {
    const same = machineIdHash === agent.machineIdHash;
    await ctx.events.record({
      type: 'security',
      subtype: 'agent_machine_bound',
      severity: 'info',
      component: 'fleet',
      agentId,
      message: same
        ? `${agent.hostname} (${agentId}) connected after its rebind from the machine it was bound to (${machinePrefix(machineIdHash)}…)`
        : `${agent.hostname} (${agentId}) is now bound to machine ${machinePrefix(machineIdHash)}… (was ${machinePrefix(agent.machineIdHash)}…), the first to connect after its rebind`,
      metadata: {
        machine: machinePrefix(machineIdHash),
        previousMachine: machinePrefix(agent.machineIdHash),
        address,
      },
    });
    return true;
  }
  if (machineIdHash === agent.machineIdHash) return true;
  await recordIdentityConflict(ctx, agentId, {
    kind: 'machine_id_mismatch',
    detectedAt: new Date(now).toISOString(),
    addresses: address ? [address] : [],
    registeredMachine: machinePrefix(agent.machineIdHash),
    presentedMachine: machinePrefix(machineIdHash),
  });
  return false;
}

/** Sessions of one agent kept displacing each other: the same conflict as a foreign machine id. */
export async function recordSessionTakeovers(
  ctx: IdentityContext,
  agentId: string,
  episode: TakeoverEpisode,
): Promise<void> {
  await recordIdentityConflict(ctx, agentId, {
    kind: 'session_takeover',
    detectedAt: new Date(ctx.now?.() ?? Date.now()).toISOString(),
    addresses: episode.addresses,
    takeovers: episode.takeovers,
  });
}

/**
 * Marks the agent, closes its connection and records one security event per conflict (a
 * conflict already recorded only closes the connection again).
 */
async function recordIdentityConflict(ctx: IdentityContext, agentId: string, conflict: IdentityConflict) {
  const agent = await ctx.db.agents.markIdentityConflict(agentId, conflict);
  // After the mark, so the reconnect that follows is refused at authenticate.
  ctx.disconnect(agentId);
  if (!agent) return;
  const from = conflict.addresses.length ? conflict.addresses.join(', ') : 'an unknown address';
  const what =
    conflict.kind === 'machine_id_mismatch'
      ? `its hello from ${from} came from machine ${conflict.presentedMachine}… but it is bound to machine ${conflict.registeredMachine}…`
      : `${conflict.takeovers} connections from ${from} took over each other's session within a minute`;
  await ctx.events.record({
    type: 'security',
    subtype: 'agent_identity_conflict',
    severity: 'critical',
    component: 'fleet',
    agentId,
    message: `identity of ${agent.hostname} (${agentId}) in use on another host (a cloned machine?): ${what}; ${UNTIL_REBIND}`,
    metadata: { ...conflict },
  });
}

function connectionAddress(agent: Agent): string | null {
  const connection = agent.metadata.connection as { address?: unknown } | undefined;
  return typeof connection?.address === 'string' ? connection.address : null;
}
