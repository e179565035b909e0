import type { Knex } from 'knex';
import type { IdentityConflict } from '../../../broker/protocol/api-types.js';
import type { Agent, AgentStatus } from '../../domain/index.js';

/** Why an agent is refused at connect until an admin rebinds it (issue 21 §5): the API's type. */
export type { IdentityConflict };

/** The broker's connect check: the key, and whether the agent may connect at all. */
export interface ConnectKeyRow {
  publicKey: string;
  active: boolean;
  identityConflict: boolean;
}

/** What an agent says about itself in `hello`: the one source of its version and OS. */
export interface AgentHello {
  agentVersion: string;
  os: string;
  arch: string;
  hostname: string;
  capabilities: unknown[];
  /** The command types it runs, kept in `metadata.commandTypes`; absent: an older agent's hello. */
  commandTypes?: string[];
  rebootRequired?: boolean;
  metadata?: Record<string, unknown>;
}

export interface AgentRow {
  id: string;
  hostname: string;
  os: string;
  arch: string;
  agent_version: string;
  public_key: string;
  machine_id_hash: string;
  labels: string[];
  status: AgentStatus;
  online: boolean;
  reboot_required: boolean;
  registered_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
  rebind_allowed_until: Date | null;
  identity_conflict: IdentityConflict | null;
  rebind_next_hello: boolean;
  mac_addresses: string[];
  capabilities: unknown[];
  metadata: Record<string, unknown>;
}

export function agentFromRow(row: AgentRow): Agent {
  return {
    id: row.id,
    hostname: row.hostname,
    os: row.os,
    arch: row.arch,
    agentVersion: row.agent_version,
    publicKey: row.public_key,
    machineIdHash: row.machine_id_hash,
    labels: row.labels,
    status: row.status,
    online: row.online,
    rebootRequired: row.reboot_required,
    registeredAt: new Date(row.registered_at),
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    rebindAllowedUntil: row.rebind_allowed_until ? new Date(row.rebind_allowed_until) : null,
    identityConflict: row.identity_conflict ?? null,
    rebindNextHello: row.rebind_next_hello ?? false,
    macAddresses: row.mac_addresses,
    capabilities: row.capabilities,
    metadata: row.metadata,
  };
}

export function agentsRepository(knex: Knex) {
  return {
    async findById(id: string): Promise<Agent | null> {
      if (!isUuid(id)) return null;
      const row = (await knex('agents').where({ id }).first()) as AgentRow | undefined;
      return row ? agentFromRow(row) : null;
    },

    async list(): Promise<Agent[]> {
      return ((await knex('agents').orderBy('hostname')) as AgentRow[]).map(agentFromRow);
    },

    /** Marks the agent revoked; returns false when there is no such active agent. */
    async revoke(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const count = await knex('agents')
        .where({ id, status: 'active' })
        .update({ status: 'revoked', revoked_at: knex.fn.now(), online: false });
      return count > 0;
    },

    /**
     * Lets the next registration from this agent's machine take over its id until `until`, and
     * lifts an identity conflict (issue 21 §5). With `machineIdHash` the agent is bound to that
     * machine at once; without, the next hello carrying a machine id binds it.
     * Returns false when there is no such active agent.
     */
    async allowRebind(id: string, until: Date, machineIdHash?: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const count = await knex('agents')
        .where({ id, status: 'active' })
        .update({
          rebind_allowed_until: until,
          identity_conflict: null,
          rebind_next_hello: machineIdHash === undefined,
          ...(machineIdHash === undefined ? {} : { machine_id_hash: machineIdHash }),
        });
      return count > 0;
    },

    /** Whether another active agent is bound to this machine (the hash is unique among them). */
    async machineTakenByOther(id: string, machineIdHash: string): Promise<boolean> {
      const row = (await knex('agents')
        .where({ machine_id_hash: machineIdHash, status: 'active' })
        .whereNot({ id })
        .first('id')) as { id: string } | undefined;
      return row !== undefined;
    },

    /**
     * Binds the agent to the machine its hello came from (after a rebind): false when another
     * active agent holds that machine id, which leaves the agent as it was.
     */
    async bindMachine(id: string, machineIdHash: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      try {
        const count = await knex('agents')
          .where({ id, status: 'active' })
          .whereNotExists(
            knex('agents as other')
              .where({ 'other.machine_id_hash': machineIdHash, 'other.status': 'active' })
              .whereNot('other.id', id),
          )
          .update({ machine_id_hash: machineIdHash, rebind_next_hello: false });
        return count > 0;
      } catch (err) {
        // A concurrent registration of that machine won the unique index.
        if ((err as { code?: string }).code === '23505') return false;
        throw err;
      }
    },

    /**
     * Records an identity conflict: the agent is refused at connect from now on. Returns the
     * agent, or null when it is not active or already in conflict (one event per conflict).
     */
    async markIdentityConflict(id: string, conflict: IdentityConflict): Promise<Agent | null> {
      if (!isUuid(id)) return null;
      const [row] = (await knex('agents')
        .where({ id, status: 'active' })
        .whereNull('identity_conflict')
        .update({ identity_conflict: JSON.stringify(conflict), rebind_next_hello: false, online: false })
        .returning('*')) as AgentRow[];
      return row ? agentFromRow(row) : null;
    },

    /**
     * Records a connect or disconnect. Going online only succeeds for an active agent, so a
     * revocation that raced the connect is caught here; returns whether the row changed.
     */
    async setOnline(id: string, online: boolean, metadata: Record<string, unknown> = {}): Promise<boolean> {
      const query = knex('agents').where({ id });
      if (online) query.where({ status: 'active' }).whereNull('identity_conflict');
      const count = await query.update({
        online,
        last_seen_at: knex.fn.now(),
        metadata: knex.raw(`metadata || ?::jsonb`, [JSON.stringify(metadata)]),
      });
      return count > 0;
    },

    /**
     * Marks many agents online in one statement (connect storms); only active agents with no
     * identity conflict change (either may have been set by another core of a cluster).
     * Returns the ids that did.
     */
    async setManyOnline(
      entries: Array<{ id: string; metadata: Record<string, unknown> }>,
    ): Promise<Set<string>> {
      if (entries.length === 0) return new Set();
      const result = (await knex.raw(
        `update agents as a
            set online = true, last_seen_at = now(), metadata = a.metadata || v.meta
           from (select unnest(?::uuid[]) as id, unnest(?::jsonb[]) as meta) as v
          where a.id = v.id and a.status = 'active' and a.identity_conflict is null
      returning a.id`,
        [entries.map((e) => e.id), entries.map((e) => JSON.stringify(e.metadata))],
      )) as { rows: Array<{ id: string }> };
      return new Set(result.rows.map((r) => r.id));
    },

    /** Marks many agents offline in one statement (a storm of disconnects or wills). */
    async setManyOffline(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await knex.raw(`update agents set online = false, last_seen_at = now() where id = any(?::uuid[])`, [
        ids,
      ]);
    },

    /** The same for some agents (cache misses of agents enrolled since the start, in one query). */
    async connectKeysOf(ids: string[]): Promise<Map<string, ConnectKeyRow>> {
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return new Map();
      return connectKeysFrom(await knex('agents').select(CONNECT_KEY_COLUMNS).whereIn('id', valid));
    },

    /** id → public key and whether it may connect, for every agent (the broker's key cache). */
    async connectKeys(): Promise<Map<string, ConnectKeyRow>> {
      return connectKeysFrom(await knex('agents').select(CONNECT_KEY_COLUMNS));
    },

    /** Every agent offline: at start-up nobody is connected yet, whatever the last run recorded. */
    async markAllOffline(): Promise<void> {
      await knex('agents').where({ online: true }).update({ online: false });
    },

    /**
     * Deletes an agent and, by the foreign keys' cascade, its fleet state: package states and
     * counts, scan batches, update events, install history, commands and metrics. System
     * events stay (their agent becomes null), so the audit trail outlives the host.
     */
    async delete(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      // returning: PGlite's knex client reports no row count for a delete.
      return ((await knex('agents').where({ id }).delete().returning('id')) as unknown[]).length > 0;
    },

    /** Replaces an agent's labels; returns the agent, or null when there is none. */
    async setLabels(id: string, labels: string[]): Promise<Agent | null> {
      if (!isUuid(id)) return null;
      const [row] = (await knex('agents')
        .where({ id })
        .update({ labels: JSON.stringify(labels) })
        .returning('*')) as AgentRow[];
      return row ? agentFromRow(row) : null;
    },

    async applyHello(id: string, hello: AgentHello): Promise<void> {
      await knex('agents')
        .where({ id })
        .update({
          agent_version: hello.agentVersion,
          os: hello.os,
          arch: hello.arch,
          hostname: hello.hostname,
          capabilities: JSON.stringify(hello.capabilities),
          last_seen_at: knex.fn.now(),
          ...(hello.rebootRequired === undefined ? {} : { reboot_required: hello.rebootRequired }),
          // A hello without the list (an agent downgraded to an older release) drops the one
          // an earlier hello left: the core falls back to the v1 baseline (issue 21 §7).
          metadata: knex.raw(`(metadata - 'commandTypes') || ?::jsonb`, [
            JSON.stringify({
              ...hello.metadata,
              ...(hello.commandTypes ? { commandTypes: hello.commandTypes } : {}),
            }),
          ]),
        });
    },
  };
}

const CONNECT_KEY_COLUMNS = ['id', 'public_key', 'status', 'identity_conflict'];

function connectKeysFrom(rows: unknown): Map<string, ConnectKeyRow> {
  type Row = { id: string; public_key: string; status: AgentStatus; identity_conflict: unknown };
  return new Map(
    (rows as Row[]).map((r) => [
      r.id,
      {
        publicKey: r.public_key,
        active: r.status === 'active',
        identityConflict: r.identity_conflict !== null && r.identity_conflict !== undefined,
      },
    ]),
  );
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
