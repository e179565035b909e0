import type { FleetAgent } from '../sdk/index.js';
import type { HostView } from './host-view.js';
import { panelLinks } from './panel-links.js';
import type { Topics } from './topics.js';

/** The word HA's update dialog sends on an update entity's command topic. */
export const PAYLOAD_INSTALL = 'install';
/** The word HA's button sends (its default, written out so nothing depends on defaults). */
export const PAYLOAD_PRESS = 'PRESS';

export interface DiscoveryContext {
  topics: Topics;
  panelUrl: string | null;
  origin: { name: string; sw_version: string };
  /** Whether the update entities offer Install (a command topic). */
  allowInstall: boolean;
}

type Component = Record<string, unknown>;

/** The entities every host has, by entity path (topics.ts); containers come on top. */
export const HOST_ENTITIES = ['os', 'scan', 'pending', 'security', 'online', 'reboot'] as const;

/** The entities of a host that carry a state (all but the button). */
export const HOST_STATE_ENTITIES = HOST_ENTITIES.filter((e) => e !== 'scan');

/**
 * One device-based discovery message per host (REFERENCES "Home Assistant"; HA's
 * DEVICE_DISCOVERY_SCHEMA): at the root only `dev`, `o` and `cmps`; each component its
 * platform `p` and a `unique_id` made of the agent's id and the entity, stable across restarts.
 * Availability is per component: the host's connectivity sensor stays available while the
 * host is offline (that is what it reports); the rest need the core and the host online.
 */
export function deviceDiscovery(
  view: HostView,
  ctx: DiscoveryContext,
  removedContainers: readonly string[] = [],
): Record<string, unknown> {
  const { agent } = view;
  const { topics } = ctx;
  const id = agent.id;
  const core = { topic: topics.coreStatus };
  const both = {
    availability: [core, { topic: topics.hostAvailability(id) }],
    availability_mode: 'all',
  };
  const uid = (entity: string) => `redflag_${id}_${entity}`;
  const updateEntity = (entity: string, name: string): Component => ({
    p: 'update',
    unique_id: uid(entity.replace('/', '_')),
    name,
    state_topic: topics.state(id, entity),
    json_attributes_topic: topics.attributes(id, entity),
    ...(ctx.allowInstall
      ? { command_topic: topics.command(id, entity), payload_install: PAYLOAD_INSTALL }
      : {}),
    ...both,
  });
  const cmps: Record<string, Component> = {
    os: updateEntity('os', 'Packages'),
    scan: {
      p: 'button',
      unique_id: uid('scan'),
      json_attributes_topic: topics.attributes(id, 'scan'),
      name: 'Scan now',
      command_topic: topics.command(id, 'scan'),
      payload_press: PAYLOAD_PRESS,
      entity_category: 'config',
      ...both,
    },
    pending: {
      p: 'sensor',
      unique_id: uid('pending'),
      json_attributes_topic: topics.attributes(id, 'pending'),
      name: 'Pending updates',
      state_topic: topics.state(id, 'pending'),
      state_class: 'measurement',
      unit_of_measurement: 'updates',
      ...both,
    },
    security: {
      p: 'sensor',
      unique_id: uid('security'),
      json_attributes_topic: topics.attributes(id, 'security'),
      name: 'Security updates',
      state_topic: topics.state(id, 'security'),
      state_class: 'measurement',
      unit_of_measurement: 'updates',
      ...both,
    },
    online: {
      p: 'binary_sensor',
      unique_id: uid('online'),
      json_attributes_topic: topics.attributes(id, 'online'),
      name: 'Online',
      device_class: 'connectivity',
      state_topic: topics.state(id, 'online'),
      payload_on: 'ON',
      payload_off: 'OFF',
      entity_category: 'diagnostic',
      availability: [core],
    },
    reboot: {
      p: 'binary_sensor',
      unique_id: uid('reboot'),
      json_attributes_topic: topics.attributes(id, 'reboot'),
      name: 'Reboot required',
      device_class: 'problem',
      state_topic: topics.state(id, 'reboot'),
      payload_on: 'ON',
      payload_off: 'OFF',
      ...both,
    },
  };
  for (const container of view.containers)
    cmps[`c_${container.key}`] = updateEntity(`containers/${container.key}`, container.name);
  // HA removes a component of a device when it comes once with its platform alone.
  for (const key of removedContainers) cmps[`c_${key}`] = { p: 'update' };
  const url = panelLinks(ctx.panelUrl).device(id);
  return {
    dev: device(agent, url, view.via),
    o: ctx.origin,
    cmps,
  };
}

function device(agent: FleetAgent, url: string | undefined, via: string | null): Record<string, unknown> {
  return {
    identifiers: [`redflag_${agent.id}`],
    name: agent.hostname,
    manufacturer: 'RedFlag',
    model: agent.os || 'host',
    sw_version: agent.agentVersion,
    ...(url ? { configuration_url: url } : {}),
    // Its Proxmox node's device (proxmox-nodes.ts), published before this one: HA links a
    // device only to a via_device it already has.
    ...(via ? { via_device: via } : {}),
  };
}
