import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  createConnectPassword,
  type DownType,
  downWildcard,
  type HelloMessage,
  parseTopic,
  presenceTopic,
  type UpType,
  upTopic,
} from '../../broker/protocol/index.js';
import { Backoff, type BackoffOptions } from './backoff.js';

export interface ConnectionOptions {
  brokerUrl: string;
  agentId: string;
  privateKey: string;
  topicPrefix: string;
  agentVersion: string;
  /** PEM of the broker's CA (mqtts, wss) when it is not a public one. */
  tlsCa?: string;
  backoff: BackoffOptions;
  logger: Logger;
  /** Built fresh for every connect. */
  hello(): HelloMessage;
  /** A message on one of the agent's down topics (raw; the caller validates it). */
  onMessage(type: DownType, payload: Buffer): void;
  onOnline?(): void;
  onOffline?(reason: string): void;
  /** An attempt failed (or a session ended); the next one is in `delayMs`. */
  onRetry?(error: string | null, delayMs: number): void;
  connectTimeoutMs?: number;
  keepaliveSec?: number;
  /** Runs before every attempt (reading the core's clock, so commands on connect are judged by it). */
  beforeConnect?(): Promise<unknown>;
  /** Why the broker refused our credentials, when the agent can tell (its clock); null otherwise. */
  explainCredentialsRefusal?(): string | null;
}

interface Session {
  client: MqttClient;
  /** Resolves true once `hello` went out (every other up message waits for it), false if the session died first. */
  ready: Promise<boolean>;
  closed: Promise<void>;
}

const OFFLINE_PRESENCE = JSON.stringify({ v: 1, online: false });

/**
 * The agent's MQTT connection (DESIGN.md §3.2–3.3). Each attempt uses a fresh signed connect
 * password (nonces are single-use, so mqtt.js' own reconnect, which re-sends the old one, is
 * off); lost connections are retried with capped exponential backoff and jitter. On every
 * connect: subscribe to `down/#`, publish `hello`, then the retained presence; the last will
 * says offline. Nothing here stops work in progress when the connection drops: callers learn
 * that a best-effort publish did not go out and carry on.
 */
export class AgentConnection {
  private session: Session | null = null;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private lastError: string | null = null;
  private helloSent = false;

  constructor(private readonly opts: ConnectionOptions) {
    this.backoff = new Backoff(opts.backoff);
    this.log = opts.logger.child({ component: 'connection' });
  }

  get online(): boolean {
    return this.session !== null && this.helloSent;
  }

  get error(): string | null {
    return this.lastError;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Says goodbye (retained offline presence) when connected, then closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const session = this.session;
    if (!session) return;
    if (this.helloSent) {
      await Promise.race([
        session.client
          .publishAsync(presenceTopic(this.opts.topicPrefix, this.opts.agentId), OFFLINE_PRESENCE, {
            qos: 1,
            retain: true,
          })
          .catch(() => {}),
        session.closed,
        new Promise((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
    }
    // A clean DISCONNECT (no will); a connection that cannot take it is closed by force.
    await Promise.race([
      new Promise<void>((resolve) => session.client.end(false, {}, () => resolve())),
      new Promise((resolve) => setTimeout(resolve, 2000).unref()),
    ]);
    session.client.end(true);
    await session.closed;
  }

  /**
   * Publishes at QoS 1 and resolves true once the broker has it; false when offline or the
   * connection dropped meanwhile. Waits for `hello` on a fresh connection.
   */
  async publish(type: UpType, message: object): Promise<boolean> {
    const session = this.session;
    if (!session || !(await session.ready)) return false;
    const topic = upTopic(this.opts.topicPrefix, this.opts.agentId, type);
    // Settles either way, so a failure after the race was decided is never an unhandled rejection.
    const sent = session.client.publishAsync(topic, JSON.stringify(message), { qos: 1 }).then(
      () => true,
      (err: unknown) => {
        this.log.debug({ err, type }, 'publish failed');
        return false;
      },
    );
    return Promise.race([sent, session.closed.then(() => false)]);
  }

  private connect(): void {
    if (this.stopped) return;
    if (!this.opts.beforeConnect) return this.open();
    void this.opts
      .beforeConnect()
      .catch((err: unknown) => this.log.debug({ err }, 'the step before connecting failed'))
      .then(() => this.open());
  }

  private open(): void {
    if (this.stopped) return;
    const { agentId, topicPrefix } = this.opts;
    const options: IClientOptions = {
      clientId: agentId,
      username: agentId,
      password: createConnectPassword(agentId, this.opts.privateKey),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      keepalive: this.opts.keepaliveSec ?? 30,
      // mqtt-packet's number cache is 65,536 two-byte Buffers (about 7 MB of heap, a tenth of the
      // agent's idle RSS) to speed up encoding that a few messages a minute do not need.
      writeCache: false,
      will: {
        topic: presenceTopic(topicPrefix, agentId),
        payload: Buffer.from(OFFLINE_PRESENCE),
        qos: 1,
        retain: true,
      },
      ...(this.opts.tlsCa ? { ca: this.opts.tlsCa } : {}),
      rejectUnauthorized: true,
    };
    this.log.debug({ brokerUrl: this.opts.brokerUrl }, 'connecting');
    const client = mqtt.connect(this.opts.brokerUrl, options);
    let markReady: (ok: boolean) => void = () => {};
    let markClosed: () => void = () => {};
    const session: Session = {
      client,
      ready: new Promise((resolve) => (markReady = resolve)),
      closed: new Promise((resolve) => (markClosed = resolve)),
    };
    this.session = session;

    client.on('message', (topic, payload) => {
      const parsed = parseTopic(topicPrefix, topic);
      if (parsed?.kind !== 'down' || parsed.agentId !== agentId) {
        this.log.warn({ topic }, 'ignored a message on a topic that is not ours');
        return;
      }
      this.opts.onMessage(parsed.type, payload);
    });
    client.on('error', (err) => {
      this.lastError =
        (err as { code?: unknown }).code === 4
          ? (this.opts.explainCredentialsRefusal?.() ?? describeMqttError(err))
          : describeMqttError(err);
      this.log.warn({ brokerUrl: this.opts.brokerUrl, error: this.lastError }, 'connection error');
    });
    client.once('connect', () => {
      void this.greet(session).then(
        (ok) => {
          markReady(ok);
          if (!ok || this.session !== session) return;
          this.helloSent = true;
          this.backoff.reset();
          this.lastError = null;
          this.log.info({ brokerUrl: this.opts.brokerUrl }, 'connected');
          this.opts.onOnline?.();
        },
        () => markReady(false),
      );
    });
    client.once('close', () => {
      markReady(false);
      markClosed();
      const wasOnline = this.session === session && this.helloSent;
      if (this.session === session) {
        this.session = null;
        this.helloSent = false;
      }
      client.end(true); // fails anything still waiting for a PUBACK, so no publish hangs
      if (wasOnline) {
        this.log.warn('connection lost');
        this.opts.onOffline?.(this.lastError ?? 'connection closed');
      }
      this.scheduleRetry();
    });
  }

  /** subscribe → hello → presence; false (and the connection closed) when any step fails. */
  private async greet(session: Session): Promise<boolean> {
    const { client } = session;
    const { topicPrefix, agentId } = this.opts;
    try {
      const granted = await client.subscribeAsync(downWildcard(topicPrefix, agentId), { qos: 1 });
      if (granted.some((g) => g.qos === 128))
        throw new Error('the broker refused the subscription to our down topics');
      await client.publishAsync(upTopic(topicPrefix, agentId, 'hello'), JSON.stringify(this.opts.hello()), {
        qos: 1,
      });
      await client.publishAsync(
        presenceTopic(topicPrefix, agentId),
        JSON.stringify({
          v: 1,
          online: true,
          ts: new Date().toISOString(),
          agentVersion: this.opts.agentVersion,
        }),
        { qos: 1, retain: true },
      );
      return true;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.log.warn({ error: this.lastError }, 'could not start the session; reconnecting');
      client.end(true);
      return false;
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const delay = this.backoff.next();
    this.log.debug({ delayMs: delay }, 'reconnecting later');
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.opts.onRetry?.(this.lastError, delay);
  }
}

/** mqtt.js reports refused CONNACKs with a numeric code; say what they mean here. */
function describeMqttError(err: Error & { code?: unknown }): string {
  switch (err.code) {
    case 4:
      return 'the broker refused our credentials (bad signature, clock skew or a replayed password)';
    case 5:
      return 'the broker refused this agent (revoked or unknown: re-register it)';
    case 2:
      return 'the broker refused our client id';
    default:
      return err.message;
  }
}
