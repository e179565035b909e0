import type { Knex } from 'knex';
import type {
  ContainerCheckStatus,
  HostContainer,
  PackageStatus,
} from '../../../broker/protocol/api-types.js';
import { containsPattern } from './update-list-sql.js';

export interface ContainerListFilter {
  agentIds?: readonly string[];
  statuses?: readonly ContainerCheckStatus[];
  q?: string;
}

/** The key of the list's order (host name, container name, then ids: unique), after which a page starts. */
export type ContainerCursorKey = [hostname: string, name: string, agentId: string, containerId: string];

export interface ContainerPageRequest {
  filter: ContainerListFilter;
  limit: number;
  after?: ContainerCursorKey | null;
}

export interface ContainerPage {
  items: HostContainer[];
  /** The last row's key when there are more rows. */
  next: ContainerCursorKey | null;
}

interface Row {
  agent_id: string;
  hostname: string;
  container_id: string;
  name: string;
  reference: string;
  image: string;
  tag: string | null;
  image_id: string | null;
  local_digests: string[];
  remote_digest: string | null;
  check_status: ContainerCheckStatus;
  check_reason: string | null;
  state: string;
  health: string | null;
  compose_project: string | null;
  compose_service: string | null;
  platform: string | null;
  first_seen_at: Date;
  changed_at: Date;
  update_id: string | null;
  update_status: PackageStatus | null;
  update_current: string | null;
  update_available: string | null;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function itemOf(r: Row): HostContainer {
  return {
    agentId: r.agent_id,
    hostname: r.hostname,
    id: r.container_id,
    name: r.name,
    reference: r.reference,
    image: r.image,
    tag: r.tag,
    imageId: r.image_id,
    localDigests: r.local_digests,
    remoteDigest: r.remote_digest,
    checkStatus: r.check_status,
    checkReason: r.check_reason,
    state: r.state,
    health: r.health,
    composeProject: r.compose_project,
    composeService: r.compose_service,
    platform: r.platform,
    firstSeenAt: iso(r.first_seen_at),
    changedAt: iso(r.changed_at),
    update:
      r.update_id && r.update_status
        ? {
            id: r.update_id,
            plugin: 'docker',
            name: r.reference,
            arch: '',
            status: r.update_status,
            currentVersion: r.update_current,
            availableVersion: r.update_available,
          }
        : null,
  };
}

/**
 * The inventory as the API and the plugins read it: each container with its host's name and
 * the docker update of its image on that host (the scan record is named by the same reference),
 * in the order host, name; keyset pages as the updates list has them.
 */
export function containerListRepository(knex: Knex) {
  const base = (filter: ContainerListFilter) => {
    const query = knex({ c: 'containers' })
      .join({ a: 'agents' }, 'a.id', 'c.agent_id')
      .leftJoin({ s: 'package_state' }, (j) =>
        j
          .on('s.agent_id', 'c.agent_id')
          .andOn('s.plugin', knex.raw('?', ['docker']))
          .andOn('s.name', 'c.reference')
          .andOn('s.arch', knex.raw('?', [''])),
      )
      .select(
        'c.*',
        'a.hostname',
        knex.raw('s.id::text as update_id'),
        's.status as update_status',
        's.current_version as update_current',
        's.available_version as update_available',
      );
    if (filter.agentIds?.length) query.whereIn('c.agent_id', filter.agentIds);
    if (filter.statuses?.length) query.whereIn('c.check_status', filter.statuses);
    if (filter.q) {
      const pattern = containsPattern(filter.q);
      query.where((w) =>
        w
          .whereRaw(`c.name ilike ? escape '\\'`, [pattern])
          .orWhereRaw(`c.reference ilike ? escape '\\'`, [pattern])
          .orWhereRaw(`c.compose_project ilike ? escape '\\'`, [pattern]),
      );
    }
    return query.orderBy([
      { column: 'a.hostname' },
      { column: 'c.name' },
      { column: 'c.agent_id' },
      { column: 'c.container_id' },
    ]);
  };

  return {
    /** Every container of one host, or of the fleet. */
    async list(filter: ContainerListFilter = {}): Promise<HostContainer[]> {
      return ((await base(filter)) as Row[]).map(itemOf);
    },

    async page(req: ContainerPageRequest): Promise<ContainerPage> {
      const query = base(req.filter).limit(req.limit + 1);
      if (req.after)
        query.whereRaw('(a.hostname, c.name, c.agent_id, c.container_id) > (?, ?, ?::uuid, ?)', req.after);
      const rows = (await query) as Row[];
      const more = rows.length > req.limit;
      const items = rows.slice(0, req.limit).map(itemOf);
      const last = items[items.length - 1];
      return {
        items,
        next: more && last ? [last.hostname, last.name, last.agentId, last.id] : null,
      };
    },

    /** When each host's inventory was last taken; a host without one has never sent it. */
    async scannedAt(agentId: string): Promise<string | null> {
      const row = (await knex('container_inventories').where({ agent_id: agentId }).first('scanned_at')) as
        { scanned_at: Date } | undefined;
      return row ? iso(row.scanned_at) : null;
    },
  };
}
