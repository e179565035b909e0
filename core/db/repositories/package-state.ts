import type { Knex } from 'knex';

export type PackageStatus =
  | 'pending'
  | 'approved'
  | 'checking_dependencies'
  | 'pending_dependencies'
  | 'installing'
  | 'updated'
  | 'failed'
  | 'ignored'
  | 'held'
  | 'resolved';

export interface PackageState {
  agentId: string;
  plugin: string;
  name: string;
  arch: string;
  currentVersion: string | null;
  availableVersion: string | null;
  severity: string;
  security: boolean;
  source: string | null;
  rebootRequired: boolean;
  status: PackageStatus;
  metadata: Record<string, unknown>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  statusChangedAt: Date;
}

export interface UpdateEvent {
  id: string;
  agentId: string;
  batchId: string | null;
  plugin: string;
  package: string;
  arch: string;
  fromVersion: string | null;
  toVersion: string | null;
  kind: 'discovered' | 'changed' | 'resolved' | 'installed' | 'failed';
  severity: string | null;
  occurredAt: Date;
}

interface Row {
  agent_id: string;
  plugin: string;
  name: string;
  arch: string;
  current_version: string | null;
  available_version: string | null;
  severity: string;
  security: boolean;
  source: string | null;
  reboot_required: boolean;
  status: PackageStatus;
  metadata: Record<string, unknown>;
  first_seen_at: Date;
  last_seen_at: Date;
  status_changed_at: Date;
}

export function packageStateRepository(knex: Knex) {
  return {
    /** An agent's packages, open ones only unless `includeClosed`. */
    async listForAgent(
      agentId: string,
      opts: { plugin?: string; includeClosed?: boolean } = {},
    ): Promise<PackageState[]> {
      const query = knex('package_state').where({ agent_id: agentId }).orderBy(['plugin', 'name', 'arch']);
      if (opts.plugin) query.where({ plugin: opts.plugin });
      if (!opts.includeClosed) query.whereNotIn('status', ['resolved', 'updated']);
      return ((await query) as Row[]).map((r) => ({
        agentId: r.agent_id,
        plugin: r.plugin,
        name: r.name,
        arch: r.arch,
        currentVersion: r.current_version,
        availableVersion: r.available_version,
        severity: r.severity,
        security: r.security,
        source: r.source,
        rebootRequired: r.reboot_required,
        status: r.status,
        metadata: r.metadata,
        firstSeenAt: new Date(r.first_seen_at),
        lastSeenAt: new Date(r.last_seen_at),
        statusChangedAt: new Date(r.status_changed_at),
      }));
    },

    async eventsForAgent(agentId: string, opts: { batchId?: string } = {}): Promise<UpdateEvent[]> {
      const query = knex('update_events').where({ agent_id: agentId }).orderBy('id');
      if (opts.batchId) query.where({ batch_id: opts.batchId });
      const rows = (await query) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        id: String(r.id),
        agentId: r.agent_id as string,
        batchId: (r.batch_id as string | null) ?? null,
        plugin: r.plugin as string,
        package: r.package as string,
        arch: r.arch as string,
        fromVersion: (r.from_version as string | null) ?? null,
        toVersion: (r.to_version as string | null) ?? null,
        kind: r.kind as UpdateEvent['kind'],
        severity: (r.severity as string | null) ?? null,
        occurredAt: new Date(r.occurred_at as string),
      }));
    },

    async batchCount(agentId: string): Promise<number> {
      const [row] = (await knex('scan_batches').where({ agent_id: agentId }).count({ n: '*' })) as Array<{
        n: string | number;
      }>;
      return Number(row?.n ?? 0);
    },
  };
}
