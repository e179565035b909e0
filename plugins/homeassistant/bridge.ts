import type { CorePluginContext, FleetAgent } from '../sdk/index.js';
import { errorMessage } from '../sdk/index.js';
import type { HomeAssistantConfig, HomeAssistantSecrets } from './config.js';
import { deviceDiscovery, type DiscoveryContext, HOST_ENTITIES, HOST_STATE_ENTITIES } from './discovery.js';
import { hostAttributes } from './entity-attributes.js';
import { hostStates } from './entity-states.js';
import { connectToHa, type HaConnection } from './ha-connection.js';
import { hostRegistry } from './host-registry.js';
import { type HostView, readHost, readHosts } from './host-view.js';
import { createInstallRequests } from './install-requests.js';
import {
  NODE_ROW,
  type NodeDevice,
  nodeDiscovery,
  nodeState,
  placementOf,
  proxmoxParents,
} from './proxmox-nodes.js';
import { topicsFor } from './topics.js';

type Context = CorePluginContext<HomeAssistantConfig, HomeAssistantSecrets>;

/** Hosts synced at once when everything is published again. */
const PUBLISH_CONCURRENCY = 8;

/**
 * Keeps Home Assistant's view of the fleet current (issue 26 §1): discovery on every connect
 * and after HA's birth message, then the states; a burst of changes on a host becomes one
 * publish per entity whose payload changed; removed hosts and containers are deleted.
 */
export function createBridge(ctx: Context) {
  const { config } = ctx;
  const topics = topicsFor(config.discoveryPrefix, config.topicPrefix);
  const registry = hostRegistry(ctx.database);
  const discoveryCtx: DiscoveryContext = {
    topics,
    panelUrl: config.panelUrl,
    origin: { name: 'RedFlag', sw_version: ctx.plugin.version },
    allowInstall: config.allowInstall,
  };
  /** What is on the broker now, by topic: only a different payload is published again. */
  const sent = new Map<string, string>();
  /** The containers each host's last discovery carried. */
  const announced = new Map<string, string[]>();
  /** The Proxmox node devices published since the last full re-publish. */
  const announcedNodes = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const lastSync = new Map<string, number>();
  const percent = new Map<string, number>();
  const installs = new Map<string, string>();
  let birthTimer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let connection: HaConnection | null = null;
  let stopped = false;

  /** One thing at a time on the broker, in order: syncs, full re-publishes, removals. */
  const serial = (work: () => Promise<void>): Promise<void> => {
    chain = chain.then(work).catch((err: unknown) => {
      ctx.logger.warn(`publishing to Home Assistant failed: ${errorMessage(err)}`);
    });
    return chain;
  };

  async function publish(topic: string, payload: string) {
    if (sent.get(topic) === payload) return;
    await connection!.publish(topic, payload, true);
    sent.set(topic, payload);
  }

  async function clear(topic: string) {
    await connection!.publish(topic, '', true);
    sent.delete(topic);
  }

  async function removeHost(agentId: string, containers: string[]) {
    await clear(topics.discovery(agentId));
    const inContainers = containers.map((c) => `containers/${c}`);
    for (const entity of [...HOST_STATE_ENTITIES, ...inContainers])
      await clear(topics.state(agentId, entity));
    for (const entity of [...HOST_ENTITIES, ...inContainers]) await clear(topics.attributes(agentId, entity));
    await clear(topics.hostAvailability(agentId));
    announced.delete(agentId);
    await registry.remove(agentId);
    ctx.logger.info(`removed host ${agentId} from Home Assistant`);
  }

  /** A node device goes out before the hosts that point at it (proxmox-nodes.ts). */
  async function announceNode(node: NodeDevice, registered: boolean) {
    if (announcedNodes.has(node.key)) return;
    await publish(topics.nodeDiscovery(node.key), JSON.stringify(nodeDiscovery(node, discoveryCtx)));
    await publish(topics.nodeState(node.key), nodeState(node));
    announcedNodes.add(node.key);
    if (!registered) await registry.save(`${NODE_ROW}${node.key}`, []);
  }

  async function removeNode(key: string) {
    await clear(topics.nodeDiscovery(key));
    await clear(topics.nodeState(key));
    announcedNodes.delete(key);
    await registry.remove(`${NODE_ROW}${key}`);
  }

  /** A guest's parent device, its node device published first when it is one of ours. */
  async function parentOf(agent: FleetAgent): Promise<string | null> {
    const placement = placementOf(agent);
    if (!placement || placement.kind === 'node') return null;
    const parents = proxmoxParents((await ctx.fleet.agents()).filter((a) => a.status === 'active'));
    for (const node of parents.nodes.values())
      if (parents.via.get(agent.id) === `redflag_pve_${node.key}`) await announceNode(node, false);
    return parents.via.get(agent.id) ?? null;
  }

  /** A change on one host: only its own records are read (host-view.ts `readHost`). */
  async function syncHost(agentId: string) {
    if (!connection?.connected) return;
    const found = await ctx.fleet.agent(agentId);
    if (!found || found.status !== 'active') {
      const known = announced.get(agentId) ?? (await registry.all()).get(agentId);
      if (known) await removeHost(agentId, known);
      return;
    }
    await publishHost(await readHost(ctx, found, await parentOf(found)), null);
  }

  /**
   * Publishes what changed for one host. Its messages go out without waiting for each other's
   * acknowledgement (mqtt.js sends them in call order, and the broker keeps that order, so the
   * discovery still comes before the states); `stored` is the registry's row when known, and
   * `save` records what its discovery carried (a full publish saves every host's at once).
   */
  async function publishHost(view: HostView, stored: string[] | null, save = registry.save) {
    if (!connection?.connected) return;
    const agentId = view.agent.id;
    const keys = view.containers.map((c) => c.key);
    // After a restart, the registry's row: a container that went while the core was down (or an
    // entity an older version keyed differently) still gets its component removed.
    const before = announced.get(agentId) ?? stored ?? undefined;
    const gone = (before ?? []).filter((k) => !keys.includes(k));
    const out: Array<Promise<void>> = [];
    const discovery = topics.discovery(agentId);
    const payload = JSON.stringify(deviceDiscovery(view, discoveryCtx));
    // Again when the containers, the name or the Proxmox node changed; never for a state.
    if (!before || gone.length || sent.get(discovery) !== payload) {
      if (gone.length) {
        out.push(
          connection.publish(discovery, JSON.stringify(deviceDiscovery(view, discoveryCtx, gone)), true),
        );
        sent.delete(discovery);
      }
      out.push(publish(discovery, payload));
      for (const key of gone) {
        out.push(clear(topics.state(agentId, `containers/${key}`)));
        out.push(clear(topics.attributes(agentId, `containers/${key}`)));
      }
      announced.set(agentId, keys);
      if (stored === null || stored.join() !== keys.join()) out.push(save(agentId, keys));
    }
    for (const [entity, attributes] of hostAttributes(view))
      out.push(publish(topics.attributes(agentId, entity), attributes));
    out.push(publish(topics.hostAvailability(agentId), view.agent.online ? 'online' : 'offline'));
    const states = hostStates(view, { panelUrl: config.panelUrl, percent: percent.get(agentId) ?? null });
    for (const [entity, payload] of states) out.push(publish(topics.state(agentId, entity), payload));
    await Promise.all(out);
  }

  /** Everything again: after a connect (a new session) or HA's birth. */
  function publishAll(): Promise<void> {
    return serial(async () => {
      sent.clear();
      announced.clear();
      announcedNodes.clear();
      const agents = (await ctx.fleet.agents()).filter((a) => a.status === 'active');
      const active = new Set(agents.map((a) => a.id));
      const parents = proxmoxParents(agents);
      const registered = await registry.all();
      for (const [row, containers] of registered)
        if (row.startsWith(NODE_ROW)) {
          if (!parents.nodes.has(row.slice(NODE_ROW.length))) await removeNode(row.slice(NODE_ROW.length));
        } else if (!active.has(row)) await removeHost(row, containers);
      // Parents first (proxmox-nodes.ts): node devices, then the nodes' own agents, then the rest.
      for (const node of parents.nodes.values())
        await announceNode(node, registered.has(`${NODE_ROW}${node.key}`));
      // The whole fleet's records in a constant number of reads, not two per host (host-view.ts).
      const views = await readHosts(ctx, agents, parents.via);
      const unsaved: Array<[string, string[]]> = [];
      const saveLater = async (agentId: string, keys: string[]) => void unsaved.push([agentId, keys]);
      const isNode = (a: FleetAgent) => placementOf(a)?.kind === 'node';
      for (const group of [agents.filter(isNode), agents.filter((a) => !isNode(a))]) {
        // A few hosts at a time: one host's acknowledgements overlap another's publishes.
        let next = 0;
        const worker = async () => {
          while (next < group.length) {
            const agent = group[next++]!;
            await publishHost(views.get(agent.id)!, registered.get(agent.id) ?? null, saveLater);
          }
        };
        await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, worker));
      }
      // The registry's rows of the hosts whose discovery changed, in one statement, not one each.
      await registry.saveAll(unsaved);
      ctx.logger.info(`published ${agents.length} host(s) to Home Assistant`);
    });
  }

  /**
   * Coalesced per host: the first change waits coalesceMs for the rest of its burst, and a host
   * is synced at most once per minIntervalMs, so no entity's state goes out more than once a
   * second however busy the host (issue 26 §1 benchmark target).
   */
  function changed(agentId: string | null) {
    if (stopped) return;
    if (agentId === null) {
      void ctx.fleet.agents().then((all) => all.forEach((a) => changed(a.id)));
      return;
    }
    if (timers.has(agentId)) return;
    const sinceLast = Date.now() - (lastSync.get(agentId) ?? 0);
    const wait = Math.max(config.coalesceMs, config.minIntervalMs - sinceLast);
    timers.set(
      agentId,
      setTimeout(() => {
        timers.delete(agentId);
        void serial(async () => {
          // A change that came while this host's previous sync was still going out was timed
          // from the one before: wait out the rest of the interval from when it went out.
          if (Date.now() - (lastSync.get(agentId) ?? 0) < config.minIntervalMs) return changed(agentId);
          await syncHost(agentId);
          // From when the states went out: at most one publish per entity per minIntervalMs.
          lastSync.set(agentId, Date.now());
        });
      }, wait),
    );
  }

  const requests = createInstallRequests(ctx, changed);

  function onMessage(topic: string, payload: Buffer, retained: boolean) {
    if (topic === topics.haStatus) {
      // HA's birth is QoS 0 and not retained; discovery goes again after a random delay so
      // a restarted HA is not flooded by every publisher at once (REFERENCES).
      if (payload.toString() !== 'online' || retained) return;
      if (birthTimer) clearTimeout(birthTimer);
      birthTimer = setTimeout(
        () => {
          birthTimer = null;
          void publishAll();
        },
        Math.floor(Math.random() * config.rediscoveryMaxDelayMs),
      );
      return;
    }
    const command = topics.parseCommand(topic);
    if (command) void requests.receive(command.agentId, command.entity, topic, payload, retained);
  }

  return {
    topics,
    start() {
      connection = connectToHa({
        url: config.brokerUrl,
        clientId: config.clientId,
        username: ctx.secrets.username,
        password: ctx.secrets.password,
        statusTopic: topics.coreStatus,
        reconnectMs: config.reconnectMs,
        subscriptions: [topics.haStatus, ...topics.commandSubscriptions],
        logger: ctx.logger,
        onConnect: () => void publishAll(),
        onMessage,
      });
      const on = ctx.bus.on.bind(ctx.bus);
      for (const kind of [
        'agent.online',
        'agent.offline',
        'agent.metrics',
        'scan.ingested',
        'package.status',
        'command.status',
        'containers.changed',
      ] as const)
        on(kind, (event) => changed(event.agentId));
      on('command.status', (event) => {
        if (event.data.type === 'install' && event.agentId) installs.set(event.data.commandId, event.agentId);
      });
      on('command.output', (event) => {
        const agentId = installs.get(event.data.commandId);
        if (agentId && typeof event.data.percent === 'number') {
          percent.set(agentId, Math.max(0, Math.min(100, Math.round(event.data.percent))));
          changed(agentId);
        }
      });
      on('command.finished', (event) => {
        if (installs.delete(event.data.commandId) && event.agentId) percent.delete(event.agentId);
        changed(event.agentId);
      });
      on('packages.changed', () => changed(null));
      on('system.event', (event) => {
        if (event.agentId && ['agent_deleted', 'agent_revoked'].includes(event.data.subtype ?? ''))
          changed(event.agentId);
      });
    },
    async stop() {
      stopped = true;
      for (const pending of timers.values()) clearTimeout(pending);
      timers.clear();
      if (birthTimer) clearTimeout(birthTimer);
      await requests.idle();
      await chain;
      await connection?.close();
    },
    /** Resolves once what was asked so far is on the broker (tests, the benchmark). */
    async settled(): Promise<void> {
      await requests.idle();
      await chain;
    },
  };
}
