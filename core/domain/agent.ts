import type { IdentityConflict } from '../../broker/protocol/api-types.js';

export type AgentStatus = 'active' | 'revoked';

export interface Agent {
  id: string;
  hostname: string;
  os: string;
  arch: string;
  agentVersion: string;
  publicKey: string;
  machineIdHash: string;
  labels: string[];
  status: AgentStatus;
  online: boolean;
  rebootRequired: boolean;
  registeredAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
  rebindAllowedUntil: Date | null;
  identityConflict: IdentityConflict | null;
  /** Set by a rebind without a named machine: the next hello's machine id binds the agent. */
  rebindNextHello: boolean;
  macAddresses: string[];
  capabilities: unknown[];
  metadata: Record<string, unknown>;
}
