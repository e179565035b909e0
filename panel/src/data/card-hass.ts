import type { HaEntityAttributes } from '../../../broker/protocol/ha-entities.js';

/** One entity of `hass.states` (Home Assistant's frontend HassEntity), the parts the card reads. */
export interface HassEntity {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}

/** What Home Assistant hands a Lovelace card as `hass`, the parts the card uses. */
export interface HassLike {
  states: Record<string, HassEntity>;
  callService(domain: string, service: string, data?: Record<string, unknown>): Promise<unknown>;
}

/** HA's UpdateEntityFeature.INSTALL: the entity offers Install (RedFlag's allowInstall). */
const FEATURE_INSTALL = 1;

/** An update entity of one host: its packages or one of its containers. */
export interface HassUpdate {
  entityId: string;
  /** `Packages`, or the container's name. */
  label: string;
  pending: boolean;
  inProgress: boolean;
  /** 0–100 while installing, when RedFlag knows it. */
  percent: number | null;
  canInstall: boolean;
  summary: string;
  url: string | null;
}

export interface HassHost {
  hostId: string;
  hostname: string;
  /** null: HA has no state for it yet, or the core or the host is unavailable. */
  online: boolean | null;
  pending: number | null;
  security: number | null;
  reboot: boolean;
  updates: HassUpdate[];
}

export interface HassFleet {
  hosts: HassHost[];
  /** Hosts with something to install or installing, worst first; offline ones after. */
  attention: HassHost[];
}

/** The attributes the homeassistant plugin publishes on every entity, or null for anyone else's. */
export function redflagAttributes(entity: HassEntity): HaEntityAttributes | null {
  const a = entity.attributes;
  if (typeof a.redflag_host_id !== 'string' || typeof a.redflag_entity !== 'string') return null;
  return a as unknown as HaEntityAttributes;
}

const count = (entity: HassEntity | undefined) => {
  const n = entity ? Number(entity.state) : NaN;
  return Number.isFinite(n) && entity!.state !== '' ? n : null;
};

function updateOf(entity: HassEntity, label: string): HassUpdate {
  const a = entity.attributes;
  const percent = typeof a.update_percentage === 'number' ? a.update_percentage : null;
  return {
    entityId: entity.entity_id,
    label,
    pending: entity.state === 'on',
    inProgress: a.in_progress === true,
    percent,
    canInstall: ((Number(a.supported_features) || 0) & FEATURE_INSTALL) !== 0,
    summary: typeof a.release_summary === 'string' ? a.release_summary : '',
    url: typeof a.release_url === 'string' ? a.release_url : null,
  };
}

/**
 * RedFlag's fleet as Home Assistant sees it: the entities the homeassistant plugin published,
 * found by their attributes (broker/protocol/ha-entities.ts), grouped by host. An update entity
 * is `on` when HA shows an update (and the user has not skipped it), `unavailable` while the
 * core or the host is away.
 */
export function fleetFromHass(states: Record<string, HassEntity>): HassFleet {
  const byHost = new Map<string, Map<string, HassEntity>>();
  const containers = new Map<string, Array<[string, HassEntity]>>();
  const names = new Map<string, string>();
  for (const entity of Object.values(states)) {
    const attributes = redflagAttributes(entity);
    if (!attributes) continue;
    const id = attributes.redflag_host_id;
    names.set(id, attributes.redflag_hostname);
    if (attributes.redflag_entity === 'container') {
      const list = containers.get(id) ?? [];
      list.push([attributes.redflag_container ?? entity.entity_id, entity]);
      containers.set(id, list);
    } else {
      const own = byHost.get(id) ?? new Map<string, HassEntity>();
      own.set(attributes.redflag_entity, entity);
      byHost.set(id, own);
    }
  }
  const hosts: HassHost[] = [];
  for (const [hostId, hostname] of names) {
    const own = byHost.get(hostId) ?? new Map<string, HassEntity>();
    const online = own.get('online')?.state;
    const os = own.get('os');
    hosts.push({
      hostId,
      hostname,
      online: online === 'on' ? true : online === 'off' ? false : null,
      pending: count(own.get('pending')),
      security: count(own.get('security')),
      reboot: own.get('reboot')?.state === 'on',
      updates: [
        ...(os ? [updateOf(os, 'Packages')] : []),
        ...(containers.get(hostId) ?? [])
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, entity]) => updateOf(entity, name)),
      ],
    });
  }
  hosts.sort((a, b) => a.hostname.localeCompare(b.hostname));
  const busy = (h: HassHost) => h.updates.some((u) => u.pending || u.inProgress);
  const score = (h: HassHost) =>
    (h.updates.some((u) => u.inProgress) ? 4 : 0) + ((h.security ?? 0) > 0 ? 2 : 0);
  const attention = [
    ...hosts.filter(busy).sort((a, b) => score(b) - score(a)),
    ...hosts.filter((h) => !busy(h) && h.online === false),
  ];
  return { hosts, attention };
}

/** The figures of the card's summary, from the sensors and binary sensors. */
export function hassFigures(fleet: HassFleet): Array<[string, string]> {
  const sum = (pick: (h: HassHost) => number | null) => fleet.hosts.reduce((n, h) => n + (pick(h) ?? 0), 0);
  return [
    [`${fleet.hosts.filter((h) => h.online === true).length}/${fleet.hosts.length}`, 'hosts online'],
    [String(sum((h) => h.pending)), 'updates pending'],
    [String(sum((h) => h.security)), 'security'],
    [String(fleet.hosts.filter((h) => h.reboot).length), 'reboots needed'],
  ];
}
