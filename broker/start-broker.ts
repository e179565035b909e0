import type { Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { installHooks } from './hooks.js';
import { type Listeners, type ListenerOptions, startListeners } from './listeners.js';
import { NonceCache } from './nonce-cache.js';
import { type TakeoverEpisode, TakeoverWatch } from './takeover-watch.js';
import { publishRefusal, subscribeRefusal } from './acl.js';
import {
  type DownType,
  downTopic,
  parseTopic,
  type UpType,
  verifyConnectPassword,
} from './protocol/index.js';

/** Five sessions displaced within a minute: two hosts, not a lost connection (TakeoverWatch). */
const TAKEOVER_EPISODE = { threshold: 5, windowMs: 60_000 };

/** CONNACK return codes of MQTT 3.1.1 (aedes has no MQTT 5). */
const CONNACK = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4, notAuthorized: 5 } as const;

export type RefusalReason =
  | 'anonymous'
  | 'client_id_mismatch'
  | 'unknown_agent'
  | 'revoked'
  | 'identity_conflict'
  | 'malformed_password'
  | 'bad_signature'
  | 'clock_skew'
  | 'replayed_nonce'
  | 'publish_denied'
  | 'subscribe_denied';

export interface BrokerRefusal {
  reason: RefusalReason;
  /** The agent id it claimed, when there was one. */
  agentId: string | null;
  address: string | null;
  detail: string;
}

/** What the core learns from the broker; called synchronously, in packet order. */
export interface BrokerEvents {
  onRefusal(refusal: BrokerRefusal): void;
  onAgentConnected(agentId: string, info: { address: string | null; protocolVersion: number }): void;
  onAgentDisconnected(agentId: string): void;
  /**
   * The agent subscribed to its command topic: from now on what is published to it arrives.
   * Pending commands go out here, not on connect, when a clean session has no subscription yet.
   */
  onAgentListening(agentId: string): void;
  onAgentMessage(agentId: string, type: UpType, payload: Buffer): void;
  onPresence(agentId: string, payload: Buffer): void;
  /**
   * Connections of this agent kept displacing each other's live session (TakeoverWatch): one
   * identity on two hosts (issue 21 §5). Called once per episode.
   */
  onSessionTakeovers?(agentId: string, episode: TakeoverEpisode): void;
}

export interface BrokerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** What the broker is made with; `BrokerEvents` come when it starts listening. */
export interface BrokerSetup extends ListenerOptions {
  topicPrefix: string;
  maxClockSkewSec: number;
  /**
   * The agent's public key and whether it may connect (not revoked, no identity conflict
   * waiting for an admin's rebind); null for an unknown id.
   */
  lookupAgent(
    agentId: string,
  ): Promise<{ publicKey: string; active: boolean; identityConflict?: boolean } | null>;
  logger: BrokerLogger;
  now?: () => number;
}

export interface BrokerOptions extends BrokerSetup {
  events: BrokerEvents;
}

export interface RunningBroker {
  ports: Listeners['ports'];
  /** Publishes to an agent's `down/<type>` (QoS 1) through the broker API, bypassing the ACL. */
  publishToAgent(agentId: string, type: DownType, payload: string | Buffer): Promise<void>;
  /** Closes the agent's live connection; false when it had none. */
  disconnect(agentId: string): boolean;
  isConnected(agentId: string): boolean;
  connectedCount(): number;
  close(): Promise<void>;
}

/**
 * A broker made but not yet listening: the parts that publish through it (the dispatcher, the
 * intake's receipts) are built with it, and it starts listening, with the handlers of what
 * agents send, once they exist (issue 22 §3: no part names another before it exists).
 */
export interface Broker extends RunningBroker {
  /** Opens the listeners; from now on agents connect and `events` hears of them. */
  listen(events: BrokerEvents): Promise<void>;
}

/** Made and listening at once, for callers that have their handlers already (tests, benches). */
export async function startBroker(opts: BrokerOptions): Promise<RunningBroker> {
  const broker = await createBroker(opts);
  await broker.listen(opts.events);
  return broker;
}

export async function createBroker(opts: BrokerSetup): Promise<Broker> {
  const now = opts.now ?? Date.now;
  // Set by listen(): no client can connect before, so nothing reports to it before.
  let events: BrokerEvents | null = null;
  const report = (): BrokerEvents => {
    if (!events) throw new Error('the broker reported an agent before it was listening');
    return events;
  };
  let listeners: Listeners | null = null;
  let closing: Promise<void> | undefined;
  const prefix = opts.topicPrefix;
  const nonces = new NonceCache(opts.maxClockSkewSec * 1000);
  const takeovers = new TakeoverWatch(TAKEOVER_EPISODE);
  // The live connection of each agent; a takeover replaces it before the old one's disconnect fires.
  const connections = new Map<string, Client>();
  const broker = await Aedes.createBroker({ drainTimeout: 10_000 });

  const addressOf = (client: Client): string | null =>
    (client.conn as Socket).remoteAddress ?? client.req?.socket.remoteAddress ?? null;
  const refuse = (client: Client | null, reason: RefusalReason, agentId: string | null, detail: string) => {
    report().onRefusal({ reason, agentId, address: client ? addressOf(client) : null, detail });
  };

  installHooks(broker, {
    async authenticate(client, username, password) {
      if (!username || !password) {
        refuse(client, 'anonymous', null, 'connect without username and password');
        return CONNACK.badCredentials;
      }
      if (client.id !== username) {
        refuse(client, 'client_id_mismatch', username, `client id ${client.id} differs from username`);
        return CONNACK.identifierRejected;
      }
      const agent = await opts.lookupAgent(username);
      if (!agent) {
        refuse(client, 'unknown_agent', username, 'no agent with this id');
        return CONNACK.notAuthorized;
      }
      if (!agent.active) {
        refuse(client, 'revoked', username, 'agent is revoked');
        return CONNACK.notAuthorized;
      }
      const nowMs = now();
      const check = verifyConnectPassword({
        agentId: username,
        password: password.toString('utf8'),
        publicKey: agent.publicKey,
        nowMs,
        maxSkewSec: opts.maxClockSkewSec,
      });
      if (!check.ok) {
        const reason = check.reason === 'malformed' ? 'malformed_password' : check.reason;
        refuse(client, reason, username, check.detail);
        return CONNACK.badCredentials;
      }
      if (!nonces.use(username, check.nonce, nowMs)) {
        refuse(client, 'replayed_nonce', username, 'connect password already used');
        return CONNACK.badCredentials;
      }
      // Checked after the password: only a holder of the agent's key can raise (or hit) it.
      if (agent.identityConflict) {
        refuse(
          client,
          'identity_conflict',
          username,
          'identity in conflict: refused until an admin rebinds it',
        );
        return CONNACK.notAuthorized;
      }
      // Accepted while a live session of this agent exists: aedes closes that one (a takeover).
      const live = connections.get(username);
      if (live && live !== client) {
        const episode = takeovers.note(username, [addressOf(live), addressOf(client)], nowMs);
        if (episode) report().onSessionTakeovers?.(username, episode);
      }
      return null;
    },

    async authorizePublish(client, packet) {
      // Wills of agents that vanished while the core was down (no live client): allow only presence.
      const agentId = client?.id ?? null;
      if (agentId === null) {
        const parsed = parseTopic(prefix, packet.topic);
        return parsed?.kind === 'presence' ? null : `orphan publish to ${packet.topic}`;
      }
      const reason = publishRefusal(prefix, agentId, packet.topic, packet.retain);
      if (reason) refuse(client, 'publish_denied', agentId, reason);
      return reason;
    },

    async authorizeSubscribe(client, subscription) {
      const reason = subscribeRefusal(prefix, client.id, subscription.topic);
      if (reason) refuse(client, 'subscribe_denied', client.id, reason);
      return reason;
    },

    onHookError(hook, err) {
      opts.logger.error({ err, hook }, 'broker hook failed');
    },
  });

  // Tracked from 'client' (registered, CONNACK not yet sent) so a revocation in that instant
  // still finds the connection to close.
  broker.on('client', (client) => {
    connections.set(client.id, client);
  });
  broker.on('clientReady', (client) => {
    if (connections.get(client.id) !== client) return; // closed before it was ready
    report().onAgentConnected(client.id, { address: addressOf(client), protocolVersion: client.version });
  });
  broker.on('clientDisconnect', (client) => {
    if (connections.get(client.id) !== client) return; // replaced by a newer connection
    connections.delete(client.id);
    report().onAgentDisconnected(client.id);
  });
  broker.on('subscribe', (subscriptions, client) => {
    if (!client || connections.get(client.id) !== client) return;
    const commandTopic = downTopic(prefix, client.id, 'command');
    const own = `${prefix}/v1/agents/${client.id}/down/#`;
    if (subscriptions.some((s) => s.topic === own || s.topic === commandTopic))
      report().onAgentListening(client.id);
  });
  broker.on('clientError', (client, err) => opts.logger.debug({ err, agentId: client.id }, 'client error'));
  broker.on('connectionError', (client, err) =>
    opts.logger.debug({ err, address: addressOf(client) }, 'connection error before connect'),
  );
  broker.on('publish', (packet, client) => {
    if (!client) return; // the core's own publishes and $SYS
    const parsed = parseTopic(prefix, packet.topic);
    if (!parsed || parsed.agentId !== client.id) return;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (parsed.kind === 'up') report().onAgentMessage(client.id, parsed.type, payload);
    else if (parsed.kind === 'presence') report().onPresence(client.id, payload);
  });

  return {
    get ports() {
      if (!listeners) throw new Error('the broker is not listening yet');
      return listeners.ports;
    },
    async listen(handlers) {
      events = handlers;
      listeners = await startListeners(broker, opts);
      opts.logger.info({ ports: listeners.ports }, 'MQTT broker listening');
    },
    publishToAgent(agentId, type, payload) {
      return new Promise((resolve, reject) => {
        broker.publish(
          {
            cmd: 'publish',
            topic: downTopic(prefix, agentId, type),
            payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
            qos: 1,
            retain: false,
            dup: false,
          },
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
    disconnect(agentId) {
      const client = connections.get(agentId);
      if (!client) return false;
      connections.delete(agentId);
      client.close();
      report().onAgentDisconnected(agentId);
      return true;
    },
    isConnected: (agentId) => connections.has(agentId),
    connectedCount: () => connections.size,
    close() {
      // Once: the core's shutdown and a failed start may both ask.
      closing ??= (async () => {
        await listeners?.close();
        await new Promise<void>((resolve) => broker.close(() => resolve()));
      })();
      return closing;
    },
  };
}
