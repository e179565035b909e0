import { createBatcher, type Database } from '../db/index.js';

export interface ConnectKey {
  publicKey: string;
  active: boolean;
  /** Refused until an admin rebinds it (issue 21 §5). */
  identityConflict: boolean;
}

/**
 * Agents' public keys for the broker's connect check, kept in memory: a reconnect storm after a
 * core restart would otherwise cost a database round trip per connect. Filled at start, read
 * through on a miss, and invalidated on revoke and rebind. A revocation made by another core of
 * a cluster is still enforced: going online checks the agent's status in the database. An
 * identity conflict is read again on every lookup while it lasts: a rebind made anywhere in the
 * cluster lets the agent in at its next attempt, and refusals are rare enough to afford it.
 */
export class AgentKeyCache {
  private keys = new Map<string, ConnectKey>();
  /** Misses of one moment (a fleet enrolled since the start connecting at once) share a query. */
  private readonly fetch: (agentId: string) => Promise<ConnectKey | null>;

  constructor(private readonly db: Database) {
    this.fetch = createBatcher((ids: string[]) => db.agents.connectKeysOf(ids), {
      missing: null as ConnectKey | null,
    });
  }

  async load(): Promise<void> {
    this.keys = await this.db.agents.connectKeys();
  }

  async lookup(agentId: string): Promise<ConnectKey | null> {
    const cached = this.keys.get(agentId);
    if (cached && !cached.identityConflict) return cached;
    const entry = await this.fetch(agentId);
    if (entry) this.keys.set(agentId, entry);
    else this.keys.delete(agentId);
    return entry;
  }

  /** Whether the agent is refused for an identity conflict: its queued messages are dropped. */
  async inConflict(agentId: string): Promise<boolean> {
    return (await this.lookup(agentId))?.identityConflict === true;
  }

  /** The key an agent just registered or rebound with (replacing any older one). */
  remember(agentId: string, key: ConnectKey): void {
    this.keys.set(agentId, key);
  }

  invalidate(agentId: string): void {
    this.keys.delete(agentId);
  }
}
