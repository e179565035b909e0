import type { HaEntityAttributes } from '../../broker/protocol/index.js';
import { HOST_ENTITIES } from './discovery.js';
import type { HostView } from './host-view.js';

/**
 * Every entity's JSON attributes for one host, keyed by entity path like the states: the
 * host's id and name and which entity it is, so the Lovelace card finds RedFlag's entities in
 * `hass.states` whatever the user renamed (broker/protocol/ha-entities.ts).
 */
export function hostAttributes(view: HostView): Map<string, string> {
  const base = { redflag_host_id: view.agent.id, redflag_hostname: view.agent.hostname };
  const out = new Map<string, string>();
  for (const entity of HOST_ENTITIES) {
    const attributes: HaEntityAttributes = { ...base, redflag_entity: entity };
    out.set(entity, JSON.stringify(attributes));
  }
  for (const container of view.containers) {
    const attributes: HaEntityAttributes = {
      ...base,
      redflag_entity: 'container',
      redflag_container: container.name,
    };
    out.set(`containers/${container.key}`, JSON.stringify(attributes));
  }
  return out;
}
