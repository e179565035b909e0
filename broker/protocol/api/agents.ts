/** The agents as the API lists them (docs/api.md "Agents"). */
import type { PendingCounts } from './stats.js';

export interface Agent {
  id: string;
  hostname: string;
  os?: string;
  arch?: string;
  agentVersion?: string;
  labels?: string[];
  status: 'active' | 'revoked';
  online: boolean;
  rebootRequired?: boolean;
  registeredAt?: string;
  lastSeenAt?: string | null;
  revokedAt?: string | null;
  /** Until then a clone of this machine may take the identity over (an admin's rebind). */
  rebindAllowedUntil?: string | null;
  macAddresses?: string[];
  /** The plugins it reported in its hello. */
  capabilities?: unknown[];
  /** GET /api/v1/agents and /agents/{id}: pending updates per severity. */
  pending?: Partial<PendingCounts>;
  metrics?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Refused at connect for a copied identity until an admin rebinds it (issue 21 §5). */
  identityConflict?: IdentityConflict | null;
  /** After a rebind without a named machine: the next host to connect binds it. */
  rebindNextHello?: boolean;
}

/**
 * GET /api/v1/agents/{id} `identityConflict` (docs/api.md "Agents"): why an agent is refused at
 * connect until an admin rebinds it (issue 21 §5). Hashes appear as prefixes only, like in the
 * security event.
 */
export interface IdentityConflict {
  kind: 'machine_id_mismatch' | 'session_takeover';
  detectedAt: string;
  /** The source addresses involved (the hello's connection, or the connections taking over). */
  addresses: string[];
  registeredMachine?: string;
  presentedMachine?: string;
  takeovers?: number;
}

/** POST /api/v1/agents/{id}/rebind. */
export interface RebindAnswer {
  agentId: string;
  rebindAllowedUntil: string;
  machine: string | null;
  conflictLifted: boolean;
}

/** The agent's latest `metrics` sample (docs/protocol.md "metrics"), when the agents list carries it. */
export interface AgentMetrics {
  /** The agent's clock (`ts` of the message) and the core's. */
  reportedAt?: string;
  receivedAt?: string;
  uptimeSec?: number;
  load?: number[];
  memory?: { totalBytes: number; availableBytes: number };
  disks?: Array<{ mount: string; totalBytes: number; freeBytes: number }>;
}

/** POST /api/v1/agents/register: what an agent sends to enrol. */
export interface RegistrationBody {
  token: string;
  publicKey: string;
  machineIdHash: string;
  hostname: string;
  os: string;
  arch: string;
  agentVersion: string;
  macAddresses: string[];
}

/** The answer to a registration the core accepted: who the agent is now and where to connect. */
export interface RegistrationAnswer {
  agentId: string;
  serverPublicKey: string;
  serverKeyId: string;
  serverKeys: Record<string, string>;
  brokerUrl: string;
  topicPrefix: string;
  rebound: boolean;
}
