import type { PluginDatabase } from '../sdk/index.js';
import type { DiscoveredGuest, Discovery } from './discovery.js';

/** A guest as the plugin's table keeps it: what discovery found, where, and its match. */
export interface GuestRow extends DiscoveredGuest {
  endpoint: string;
  agentId: string | null;
  matchBasis: string | null;
  link: 'linked' | 'unlinked' | null;
  goneAt: string | null;
}

export interface NodeRow {
  endpoint: string;
  name: string;
  status: string;
  ip: string | null;
  agentId: string | null;
  matchBasis: string | null;
  goneAt: string | null;
}

export interface EndpointRow {
  endpoint: string;
  cluster: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  warnings: string[];
}

const iso = (v: unknown) =>
  v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v);

/** The plugin's tables: one endpoint's discovery written whole, in one transaction. */
export function inventory(db: PluginDatabase) {
  return {
    /**
     * Upserts what was found and marks what was not as gone. Matching columns (`agent_id`,
     * `match_basis`, `link`) are left to the matcher, so a manual link survives.
     */
    async save(found: Discovery): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          `insert into proxmox_endpoints (endpoint, cluster, last_sync_at, last_error, last_error_code, warnings)
           values (?, ?, now(), null, null, ?::jsonb)
           on conflict (endpoint) do update set cluster = excluded.cluster, last_sync_at = now(),
             last_error = null, last_error_code = null, warnings = excluded.warnings`,
          [found.endpoint, found.cluster, JSON.stringify(found.warnings)],
        );
        if (found.nodes.length)
          await tx.query(
            `insert into proxmox_nodes (endpoint, name, status, ip)
             select ?, n->>'name', n->>'status', n->>'ip' from jsonb_array_elements(?::jsonb) n
             on conflict (endpoint, name) do update set status = excluded.status, ip = excluded.ip,
               last_seen_at = now(), gone_at = null`,
            [found.endpoint, JSON.stringify(found.nodes)],
          );
        await tx.query(
          `update proxmox_nodes set gone_at = now()
            where endpoint = ? and gone_at is null and not (name = any(?::text[]))`,
          [found.endpoint, found.nodes.map((n) => n.name)],
        );
        if (found.guests.length)
          await tx.query(
            `insert into proxmox_guests (endpoint, vmid, type, node, name, hostname, status, template, tags, macs, ips, ostype)
             select ?, (g->>'vmid')::int, g->>'type', g->>'node', g->>'name', g->>'hostname', g->>'status',
                    (g->>'template')::boolean, g->'tags', g->'macs', g->'ips', g->>'ostype'
               from jsonb_array_elements(?::jsonb) g
             on conflict (endpoint, vmid) do update set type = excluded.type, node = excluded.node,
               name = excluded.name, hostname = excluded.hostname, status = excluded.status,
               template = excluded.template, tags = excluded.tags, macs = excluded.macs, ips = excluded.ips,
               ostype = excluded.ostype, last_seen_at = now(), gone_at = null`,
            [found.endpoint, JSON.stringify(found.guests)],
          );
        await tx.query(
          `update proxmox_guests set gone_at = now()
            where endpoint = ? and gone_at is null and not (vmid = any(?::int[]))`,
          [found.endpoint, found.guests.map((g) => g.vmid)],
        );
      });
    },

    /** The endpoint's last failure; what it held before stays as it was. */
    async recordFailure(endpoint: string, code: string, message: string): Promise<void> {
      await db.query(
        `insert into proxmox_endpoints (endpoint, last_error, last_error_code, last_error_at)
         values (?, ?, ?, now())
         on conflict (endpoint) do update set last_error = excluded.last_error,
           last_error_code = excluded.last_error_code, last_error_at = now()`,
        [endpoint, message, code],
      );
    },

    async endpoints(): Promise<EndpointRow[]> {
      const rows = await db.query('select * from proxmox_endpoints order by endpoint');
      return rows.map((r) => ({
        endpoint: String(r.endpoint),
        cluster: (r.cluster as string | null) ?? null,
        lastSyncAt: iso(r.last_sync_at),
        lastError: (r.last_error as string | null) ?? null,
        lastErrorCode: (r.last_error_code as string | null) ?? null,
        warnings: (r.warnings as string[]) ?? [],
      }));
    },

    async nodes(): Promise<NodeRow[]> {
      const rows = await db.query('select * from proxmox_nodes order by endpoint, name');
      return rows.map((r) => ({
        endpoint: String(r.endpoint),
        name: String(r.name),
        status: String(r.status),
        ip: (r.ip as string | null) ?? null,
        agentId: (r.agent_id as string | null) ?? null,
        matchBasis: (r.match_basis as string | null) ?? null,
        goneAt: iso(r.gone_at),
      }));
    },

    async guests(): Promise<GuestRow[]> {
      const rows = await db.query('select * from proxmox_guests order by endpoint, vmid');
      return rows.map((r) => ({
        endpoint: String(r.endpoint),
        vmid: Number(r.vmid),
        type: r.type as 'lxc' | 'qemu',
        node: String(r.node),
        name: String(r.name),
        hostname: (r.hostname as string | null) ?? null,
        status: String(r.status),
        template: Boolean(r.template),
        tags: (r.tags as string[]) ?? [],
        macs: (r.macs as string[]) ?? [],
        ips: (r.ips as string[]) ?? [],
        ostype: (r.ostype as string | null) ?? null,
        agentId: (r.agent_id as string | null) ?? null,
        matchBasis: (r.match_basis as string | null) ?? null,
        link: (r.link as 'linked' | 'unlinked' | null) ?? null,
        goneAt: iso(r.gone_at),
      }));
    },

    /** Writes the matcher's automatic results; rows a person linked or unlinked are left alone. */
    async applyMatches(
      guests: Array<{ endpoint: string; vmid: number; agentId: string | null; basis: string | null }>,
      nodes: Array<{ endpoint: string; name: string; agentId: string | null; basis: string | null }>,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          `update proxmox_guests g set agent_id = (m->>'agentId')::uuid, match_basis = m->>'basis'
             from jsonb_array_elements(?::jsonb) m
            where g.endpoint = m->>'endpoint' and g.vmid = (m->>'vmid')::int and g.link is null`,
          [JSON.stringify(guests)],
        );
        await tx.query(
          `update proxmox_nodes n set agent_id = (m->>'agentId')::uuid, match_basis = m->>'basis'
             from jsonb_array_elements(?::jsonb) m
            where n.endpoint = m->>'endpoint' and n.name = m->>'name'`,
          [JSON.stringify(nodes)],
        );
      });
    },

    /** A person's link (agentId) or unlink (null) of one guest; false when there is no such guest. */
    async setLink(endpoint: string, vmid: number, agentId: string | null): Promise<boolean> {
      const rows = await db.query(
        `update proxmox_guests set link = ?, agent_id = ?::uuid, match_basis = ?
          where endpoint = ? and vmid = ? returning vmid`,
        [agentId ? 'linked' : 'unlinked', agentId, agentId ? 'manual' : null, endpoint, vmid],
      );
      return rows.length > 0;
    },

    /** Back to automatic matching. */
    async clearLink(endpoint: string, vmid: number): Promise<boolean> {
      const rows = await db.query(
        `update proxmox_guests set link = null, agent_id = null, match_basis = null
          where endpoint = ? and vmid = ? returning vmid`,
        [endpoint, vmid],
      );
      return rows.length > 0;
    },
  };
}

export type Inventory = ReturnType<typeof inventory>;
