import type { Broker, BrokerEvents, RunningBroker } from '../broker/index.js';
import type { Dispatcher } from './commands/index.js';
import { createBatcher, type Database } from './db/index.js';
import {
  createPresenceEvents,
  type EventRecorder,
  type LiveBus,
  type PresenceEvents,
} from './events/index.js';
import {
  type AgentKeyCache,
  type IdentityContext,
  recordBrokerRefusal,
  recordSessionTakeovers,
} from './fleet/index.js';
import type { Intake } from './intake/index.js';
import type { Service } from './lifecycle/index.js';
import type { PolicyService } from './policy/index.js';

type OnlineEntry = { id: string; metadata: Record<string, unknown> };

/**
 * Agents going online and offline, batched: a fleet reconnecting together (after a restart)
 * goes online in one statement per batch. Presence must show within 2 s; 100 ms of batching
 * turns a reconnect storm into a few statements.
 */
export function presenceWrites(db: Database) {
  const goOnline = createBatcher(
    async (entries: OnlineEntry[]) => {
      const changed = await db.agents.setManyOnline(entries);
      return new Map(entries.map((e) => [e, changed.has(e.id)]));
    },
    { missing: false, delayMs: 100 },
  );
  // Likewise for going offline: a core or network restart drops them all at once.
  const goOffline = createBatcher(
    async (ids: string[]) => {
      await db.agents.setManyOffline(ids);
      return new Map<string, true>();
    },
    { missing: true, delayMs: 100 },
  );
  return {
    goOnline,
    markOffline: async (agentId: string) => {
      await goOffline(agentId);
    },
  };
}

/**
 * Presence as a service (issue 22 §3): nobody is connected before the broker listens, whatever
 * the previous run left recorded; then online and offline marks are batched (`writes`) and told
 * on the bus once per change (`events`).
 */
export function createPresence(db: Database, bus: LiveBus) {
  return {
    name: 'presence',
    writes: presenceWrites(db),
    events: createPresenceEvents(bus),
    start: () => db.agents.markAllOffline(),
    // Its writes run in the agents' intake queues, drained when the intake stops.
    stop: async () => {},
  } satisfies Service & Record<string, unknown>;
}

/** The broker as a service: it listens, with the handlers below, once every part it reaches exists. */
export function brokerService(broker: Broker, parts: Omit<AgentConnectionParts, 'broker'>): Service {
  return {
    name: 'broker',
    start: () => broker.listen(agentConnectionEvents({ ...parts, broker })),
    stop: () => broker.close(),
  };
}

export interface AgentConnectionParts {
  events: EventRecorder;
  identity: IdentityContext;
  agentKeys: AgentKeyCache;
  presence: PresenceEvents;
  writes: ReturnType<typeof presenceWrites>;
  intake: Intake;
  policy: PolicyService;
  dispatcher: Dispatcher;
  broker: RunningBroker;
}

/**
 * What the core does when the broker reports an agent's connection, messages and refusals:
 * everything about one agent runs in that agent's intake queue, in the order it happened.
 */
export function agentConnectionEvents(parts: AgentConnectionParts): BrokerEvents {
  const { events, identity, agentKeys, presence, writes, intake, policy, dispatcher } = parts;
  return {
    onRefusal: (refusal) => void recordBrokerRefusal(events, refusal),
    onSessionTakeovers(agentId, episode) {
      intake.enqueue(agentId, () => recordSessionTakeovers(identity, agentId, episode));
    },
    onAgentConnected(agentId, info) {
      intake.enqueue(agentId, async () => {
        const online = await writes.goOnline({
          id: agentId,
          metadata: {
            connection: { address: info.address, protocolVersion: info.protocolVersion, since: new Date() },
          },
        });
        // Revoked between its authentication and now (here or on another core): the revocation wins.
        if (!online) {
          agentKeys.invalidate(agentId);
          parts.broker.disconnect(agentId);
        } else presence.online(agentId);
      });
    },
    onAgentListening(agentId) {
      intake.enqueue(agentId, async () => {
        await policy.pushConfig(agentId);
        await dispatcher.deliverPending(agentId);
      });
    },
    onAgentDisconnected(agentId) {
      policy.agentDisconnected(agentId);
      intake.enqueue(agentId, async () => {
        await writes.markOffline(agentId);
        presence.offline(agentId);
      });
    },
    onAgentMessage: (agentId, type, payload) => intake.accept(agentId, type, payload),
    onPresence: (agentId, payload) => intake.accept(agentId, 'presence', payload),
  };
}
