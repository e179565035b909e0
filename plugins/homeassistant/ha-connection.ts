import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../sdk/index.js';

export interface ConnectionOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Retained `online` here on connect; the broker publishes the retained last will `offline`. */
  statusTopic: string;
  reconnectMs: number;
  /** Topics subscribed on every connect (a clean session forgets them). */
  subscriptions: string[];
  logger: Logger;
  /** After each (re)connect, once subscribed and `online` is out: publish everything. */
  onConnect(): void;
  onMessage(topic: string, payload: Buffer, retained: boolean): void;
}

export interface HaConnection {
  readonly connected: boolean;
  /** QoS 1; resolves when the broker has it, rejects when not connected (retried on reconnect). */
  publish(topic: string, payload: string, retain: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * The core as an MQTT 5 client of Home Assistant's broker (issue 26 §1; REFERENCES: HA stops
 * speaking 3.1.1 in 2027.1, and aedes speaks no MQTT 5, so HA is never our client). mqtt.js
 * reconnects on its own; every connect starts a clean session, so subscriptions and the
 * `online` status are set again and the caller re-publishes discovery and states.
 */
export function connectToHa(opts: ConnectionOptions): HaConnection {
  const client: MqttClient = mqtt.connect(opts.url, {
    protocolVersion: 5,
    clientId: opts.clientId,
    clean: true,
    reconnectPeriod: opts.reconnectMs,
    connectTimeout: 10_000,
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    will: { topic: opts.statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    // Never queue publishes while offline: everything is re-published on connect anyway.
    queueQoSZero: false,
  });
  let wasDown = false;
  client.on('connect', () => {
    opts.logger.info(`connected to Home Assistant's broker ${opts.url}`);
    wasDown = false;
    void (async () => {
      try {
        // Retain As Published (MQTT 5): a command someone published retained shows as such
        // even live, so it is refused now and not acted on at every reconnect either.
        if (opts.subscriptions.length)
          await client.subscribeAsync(opts.subscriptions, { qos: 1, rap: true, nl: true });
        await client.publishAsync(opts.statusTopic, 'online', { qos: 1, retain: true });
        opts.onConnect();
      } catch (err) {
        opts.logger.warn(`could not set up the session on ${opts.url}: ${(err as Error).message}`);
      }
    })();
  });
  client.on('message', (topic, payload, packet) => opts.onMessage(topic, payload, packet.retain));
  client.on('error', (err) => opts.logger.warn(`Home Assistant's broker: ${err.message}`));
  client.on('close', () => {
    if (!wasDown)
      opts.logger.warn(`lost the connection to ${opts.url}; reconnecting every ${opts.reconnectMs} ms`);
    wasDown = true;
  });
  return {
    get connected() {
      return client.connected;
    },
    async publish(topic, payload, retain) {
      if (!client.connected) throw new Error('not connected to Home Assistant’s broker');
      await client.publishAsync(topic, payload, { qos: 1, retain });
    },
    async close() {
      if (client.connected)
        await client.publishAsync(opts.statusTopic, 'offline', { qos: 1, retain: true }).catch(() => {});
      await client.endAsync();
    },
  };
}
