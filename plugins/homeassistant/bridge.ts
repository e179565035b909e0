import type { CorePluginContext, FleetAgent } from '../sdk/index.js';
import { errorMessage } from '../sdk/index.js';
import type { HomeAssistantConfig, HomeAssistantSecrets } from './config.js';
import { deviceDiscovery, type DiscoveryContext } from './discovery.js';
import { hostStates } from './entity-states.js';
import { connectToHa, type HaConnection } from './ha-connection.js';
import { hostRegistry } from './host-registry.js';
import { readHost } from './host-view.js';
import { createInstallRequests } from './install-requests.js';
import { topicsFor } from './topics.js';

type Context = CorePluginContext<HomeAssistantConfig, HomeAssistantSecrets>;

/** The entities every host has (discovery.ts), by state topic path. */
const HOST_ENTITIES = ['os', 'pending', 'security', 'online', 'reboot'];

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
  const dirty = new Set<string>();
  const percent = new Map<string, number>();
  const installs = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
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
    for (const entity of [...HOST_ENTITIES, ...containers.map((c) => `containers/${c}`)])
      await clear(topics.state(agentId, entity));
    await clear(topics.hostAvailability(agentId));
    announced.delete(agentId);
    await registry.remove(agentId);
    ctx.logger.info(`removed host ${agentId} from Home Assistant`);
  }

  async function syncHost(agentId: string, agent?: FleetAgent | null) {
    if (!connection?.connected) return;
    const found = agent === undefined ? await ctx.fleet.agent(agentId) : agent;
    if (!found || found.status !== 'active') {
      const known = announced.get(agentId) ?? (await registry.all()).get(agentId);
      if (known) await removeHost(agentId, known);
      return;
    }
    const view = await readHost(ctx.fleet, found);
    const keys = view.containers.map((c) => c.key);
    const before = announced.get(agentId);
    const gone = (before ?? []).filter((k) => !keys.includes(k));
    if (!before || gone.length || keys.some((k) => !before.includes(k))) {
      if (gone.length)
        await connection.publish(
          topics.discovery(agentId),
          JSON.stringify(deviceDiscovery(view, discoveryCtx, gone)),
          true,
        );
      await connection.publish(
        topics.discovery(agentId),
        JSON.stringify(deviceDiscovery(view, discoveryCtx)),
        true,
      );
      for (const key of gone) await clear(topics.state(agentId, `containers/${key}`));
      announced.set(agentId, keys);
      await registry.save(agentId, keys);
    }
    await publish(topics.hostAvailability(agentId), found.online ? 'online' : 'offline');
    const states = hostStates(view, { panelUrl: config.panelUrl, percent: percent.get(agentId) ?? null });
    for (const [entity, payload] of states) await publish(topics.state(agentId, entity), payload);
  }

  /** Everything again: after a connect (a new session) or HA's birth. */
  function publishAll(): Promise<void> {
    return serial(async () => {
      sent.clear();
      announced.clear();
      dirty.clear();
      const agents = (await ctx.fleet.agents()).filter((a) => a.status === 'active');
      const active = new Set(agents.map((a) => a.id));
      for (const [agentId, containers] of await registry.all())
        if (!active.has(agentId)) await removeHost(agentId, containers);
      for (const agent of agents) await syncHost(agent.id, agent);
      ctx.logger.info(`published ${agents.length} host(s) to Home Assistant`);
    });
  }

  /** Coalesced: changes within coalesceMs of the first become one sync per host. */
  function changed(agentId: string | null) {
    if (stopped) return;
    if (agentId === null) {
      void ctx.fleet.agents().then((all) => all.forEach((a) => changed(a.id)));
      return;
    }
    dirty.add(agentId);
    timer ??= setTimeout(() => {
      timer = null;
      const ids = [...dirty];
      dirty.clear();
      void serial(async () => {
        for (const id of ids) await syncHost(id);
      });
    }, config.coalesceMs);
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
      if (timer) clearTimeout(timer);
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
