import { createHash } from 'node:crypto';

/**
 * Every topic the plugin uses on Home Assistant's broker, built in one place. Discovery lives
 * under HA's prefix; RedFlag's state, availability and command topics under its own.
 */
export interface Topics {
  /** HA's birth and last will: `online` / `offline`, QoS 0, not retained. */
  haStatus: string;
  /** The core's availability: retained `online`, last will `offline`. */
  coreStatus: string;
  discovery(agentId: string): string;
  hostAvailability(agentId: string): string;
  state(agentId: string, entity: string): string;
  /** An entity's JSON attributes: what marks it as RedFlag's for the card (ha-entities.ts). */
  attributes(agentId: string, entity: string): string;
  /** The device of a Proxmox node that runs no agent (proxmox-nodes.ts), and its one state. */
  nodeDiscovery(nodeKey: string): string;
  nodeState(nodeKey: string): string;
  command(agentId: string, entity: string): string;
  /** What the plugin subscribes to for commands: the `set` topics of hosts and containers. */
  commandSubscriptions: string[];
  /** The host and entity of a command topic, or null for anything else. */
  parseCommand(topic: string): { agentId: string; entity: string } | null;
}

export function topicsFor(discoveryPrefix: string, topicPrefix: string): Topics {
  const host = (agentId: string) => `${topicPrefix}/hosts/${agentId}`;
  const commandPattern = new RegExp(
    `^${escapeRegExp(topicPrefix)}/hosts/([0-9a-fA-F-]{36})/((?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+)/set$`,
  );
  return {
    haStatus: `${discoveryPrefix}/status`,
    coreStatus: `${topicPrefix}/status`,
    discovery: (agentId) => `${discoveryPrefix}/device/redflag_${agentId}/config`,
    hostAvailability: (agentId) => `${host(agentId)}/availability`,
    state: (agentId, entity) => `${host(agentId)}/${entity}/state`,
    attributes: (agentId, entity) => `${host(agentId)}/${entity}/attributes`,
    nodeDiscovery: (nodeKey) => `${discoveryPrefix}/device/redflag_pve_${nodeKey}/config`,
    nodeState: (nodeKey) => `${topicPrefix}/nodes/${nodeKey}/cluster/state`,
    command: (agentId, entity) => `${host(agentId)}/${entity}/set`,
    commandSubscriptions: [`${topicPrefix}/hosts/+/+/set`, `${topicPrefix}/hosts/+/containers/+/set`],
    parseCommand(topic) {
      const match = commandPattern.exec(topic);
      return match ? { agentId: match[1]!, entity: match[2]! } : null;
    },
  };
}

/**
 * The entity key of a container: its name as the scan reported it, made topic- and id-safe,
 * with a short hash so two names that clean up alike stay apart. Never a container id
 * (it changes on every recreate, issue 26 §1).
 */
export function containerKey(name: string): string {
  const clean =
    name
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'container';
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${clean}_${hash}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
