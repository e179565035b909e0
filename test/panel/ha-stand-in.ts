import { readFileSync } from 'node:fs';
import { createValidatorAjv } from '../../broker/protocol/index.js';
import { deviceDiscovery, type DiscoveryContext } from '../../plugins/homeassistant/discovery.js';
import { hostAttributes } from '../../plugins/homeassistant/entity-attributes.js';
import { hostStates } from '../../plugins/homeassistant/entity-states.js';
import { containerViews, type HostView } from '../../plugins/homeassistant/host-view.js';
import { topicsFor } from '../../plugins/homeassistant/topics.js';
import type { FleetAgent, FleetContainer, FleetPackage } from '../../plugins/sdk/index.js';
import type { HassEntity } from '../../panel/src/data/card-hass.js';

/**
 * Home Assistant's side of the card test (issue 26 §4): what the homeassistant plugin would put
 * on the broker, made by the plugin's own builders (deviceDiscovery, hostStates, hostAttributes)
 * and checked against the schemas written from HA's source, turned into `hass.states` the way
 * HA's MQTT integration does (entity ids from device and entity names, the update entity's
 * state and attributes, `unavailable` without its extra attributes when an availability topic
 * says offline). Only Home Assistant itself is played here; RedFlag's output is real.
 */

const FIXTURES = new URL('../fixtures/homeassistant/', import.meta.url);
const ajv = createValidatorAjv({ allErrors: true, strict: false });
const schema = (name: string) =>
  ajv.compile(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as object);
const validDiscovery = schema('device-discovery.schema.json');
const validUpdateState = schema('update-state.schema.json');

export const topics = topicsFor('homeassistant', 'redflag');
const PANEL = 'http://redflag.lan:8080';
const context: DiscoveryContext = {
  topics,
  panelUrl: PANEL,
  origin: { name: 'RedFlag', sw_version: '0.1.0' },
  allowInstall: true,
};

let serial = 0;
export function agent(hostname: string, extra: Partial<FleetAgent> = {}): FleetAgent {
  serial++;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    hostname,
    os: 'debian 12',
    arch: 'amd64',
    agentVersion: '1.0.0',
    status: 'active',
    online: true,
    labels: [],
    rebootRequired: false,
    lastSeenAt: new Date().toISOString(),
    macAddresses: [],
    address: null,
    metadata: {},
    ...extra,
  };
}

export function pkg(host: FleetAgent, name: string, extra: Partial<FleetPackage> = {}): FleetPackage {
  return {
    agentId: host.id,
    plugin: 'apt',
    name,
    arch: 'amd64',
    currentVersion: '1.0',
    availableVersion: '1.1',
    severity: 'unknown',
    security: false,
    status: 'pending',
    statusChangedAt: new Date().toISOString(),
    source: 'bookworm',
    metadata: {},
    ...extra,
  };
}

/** One container of the host's inventory (ctx.containers), its image's docker record open. */
export function container(
  host: FleetAgent,
  name: string,
  image: string,
  tag: string,
  extra: Partial<FleetContainer> = {},
): FleetContainer {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  const now = new Date().toISOString();
  return {
    agentId: host.id,
    hostname: host.hostname,
    id: `${name}-container-id`,
    name,
    reference: `${image}:${tag}`,
    image,
    tag,
    imageId: null,
    localDigests: [digest('1')],
    remoteDigest: digest('2'),
    checkStatus: 'update_available',
    checkReason: null,
    state: 'running',
    health: null,
    composeProject: null,
    composeService: null,
    platform: 'linux/amd64',
    firstSeenAt: now,
    changedAt: now,
    update: {
      id: `${name}-update-id`,
      plugin: 'docker',
      name: `${image}:${tag}`,
      arch: '',
      status: 'pending',
      currentVersion: 'sha256:111111111111',
      availableVersion: 'sha256:222222222222',
    },
    ...extra,
  };
}

/** A host as the plugin reads it (host-view.ts): its packages and its container inventory. */
export function view(
  host: FleetAgent,
  packages: FleetPackage[],
  containers: FleetContainer[] = [],
): HostView {
  return {
    agent: host,
    packages: packages.filter((p) => p.plugin !== 'docker'),
    containers: containerViews(containers),
    via: null,
  };
}

/** What the plugin publishes for these hosts, by topic (retained: the broker keeps the last one). */
export function published(
  views: HostView[],
  percent: number | null = null,
  panelUrl = PANEL,
): Map<string, string> {
  const out = new Map<string, string>([[topics.coreStatus, 'online']]);
  for (const v of views) {
    const id = v.agent.id;
    const discovery = deviceDiscovery(v, { ...context, panelUrl });
    if (!validDiscovery(discovery)) throw new Error(`discovery: ${ajv.errorsText(validDiscovery.errors)}`);
    out.set(topics.discovery(id), JSON.stringify(discovery));
    out.set(topics.hostAvailability(id), v.agent.online ? 'online' : 'offline');
    for (const [entity, payload] of hostAttributes(v)) out.set(topics.attributes(id, entity), payload);
    for (const [entity, payload] of hostStates(v, { panelUrl, percent })) {
      if ((entity === 'os' || entity.startsWith('containers/')) && !validUpdateState(JSON.parse(payload)))
        throw new Error(`${entity} state: ${ajv.errorsText(validUpdateState.errors)}`);
      out.set(topics.state(id, entity), payload);
    }
  }
  return out;
}

/** HA's slugify, as it makes entity ids of "<device name> <entity name>". */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

type Component = Record<string, unknown> & { p: string; name?: string };

/**
 * `hass.states` as Home Assistant would hold them after reading `broker` (topic → retained
 * payload): every discovered device's components, plus `others` (entities of other integrations).
 */
export function hassStates(
  broker: Map<string, string>,
  others: HassEntity[] = [],
): Record<string, HassEntity> {
  const states: Record<string, HassEntity> = {};
  for (const e of others) states[e.entity_id] = e;
  for (const [topic, payload] of broker) {
    if (!/^homeassistant\/device\/.+\/config$/.test(topic) || payload === '') continue;
    const discovery = JSON.parse(payload) as { dev: { name: string }; cmps: Record<string, Component> };
    for (const c of Object.values(discovery.cmps)) {
      const friendly = `${discovery.dev.name} ${c.name ?? ''}`.trim();
      let entityId = `${c.p}.${slug(friendly)}`;
      for (let n = 2; states[entityId]; n++) entityId = `${c.p}.${slug(friendly)}_${n}`;
      states[entityId] = entityFor(entityId, friendly, c, broker);
    }
  }
  return states;
}

function entityFor(id: string, friendly: string, c: Component, broker: Map<string, string>): HassEntity {
  const availability = (c.availability as Array<{ topic: string }> | undefined) ?? [];
  const available = availability.every((a) => broker.get(a.topic) === 'online');
  const base = { friendly_name: friendly, ...(c.device_class ? { device_class: c.device_class } : {}) };
  if (!available) return { entity_id: id, state: 'unavailable', attributes: base };
  const extra = c.json_attributes_topic
    ? (JSON.parse(broker.get(String(c.json_attributes_topic)) ?? '{}') as Record<string, unknown>)
    : {};
  const raw = c.state_topic ? broker.get(String(c.state_topic)) : undefined;
  if (c.p === 'update') {
    const s = JSON.parse(raw ?? '{}') as Record<string, unknown>;
    const state =
      s.installed_version === undefined ? 'unknown' : s.latest_version !== s.installed_version ? 'on' : 'off';
    return {
      entity_id: id,
      state,
      attributes: {
        auto_update: false,
        display_precision: 0,
        installed_version: s.installed_version ?? null,
        in_progress: s.in_progress ?? false,
        latest_version: s.latest_version ?? null,
        release_summary: s.release_summary ?? null,
        release_url: s.release_url ?? null,
        skipped_version: null,
        title: s.title ?? null,
        update_percentage: s.update_percentage ?? null,
        ...extra,
        ...base,
        // UpdateEntityFeature.INSTALL when the discovery has a command topic (mqtt/update.py).
        supported_features: c.command_topic ? 1 : 0,
      },
    };
  }
  if (c.p === 'binary_sensor') {
    const state =
      raw === (c.payload_on ?? 'ON') ? 'on' : raw === (c.payload_off ?? 'OFF') ? 'off' : 'unknown';
    return { entity_id: id, state, attributes: { ...extra, ...base } };
  }
  if (c.p === 'sensor') {
    const unit = c.unit_of_measurement ? { unit_of_measurement: c.unit_of_measurement } : {};
    return { entity_id: id, state: raw ?? 'unknown', attributes: { ...extra, ...unit, ...base } };
  }
  return { entity_id: id, state: 'unknown', attributes: { ...extra, ...base } };
}
