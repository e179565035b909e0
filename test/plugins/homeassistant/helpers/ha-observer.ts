import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { createValidatorAjv } from '../../../../broker/protocol/index.js';

const FIXTURES = new URL('../../../fixtures/homeassistant/', import.meta.url);
const ajv = createValidatorAjv({ allErrors: true, strict: false });
const load = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as object;
const validDiscovery = ajv.compile(load('device-discovery.schema.json'));
const validUpdateState = ajv.compile(load('update-state.schema.json'));

export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * Plays Home Assistant on the broker: an MQTT 5 client subscribed to discovery and RedFlag's
 * topics that keeps every message, checks each discovery and update state against the
 * schemas written from HA's source (test/fixtures/homeassistant/README.md), and can send what
 * HA sends (its birth message, an install from the update dialog, a button press).
 */
export async function observeAsHa(
  url: string,
  opts: { discoveryPrefix?: string; topicPrefix?: string } = {},
) {
  const discoveryPrefix = opts.discoveryPrefix ?? 'homeassistant';
  const topicPrefix = opts.topicPrefix ?? 'redflag';
  const seen: Seen[] = [];
  const violations: string[] = [];
  const waiters = new Set<() => void>();
  const client: MqttClient = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    clientId: `ha-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 100,
  });
  const subscribe = () =>
    client.subscribeAsync([`${discoveryPrefix}/#`, `${topicPrefix}/#`], { qos: 1, nl: true });
  client.on('connect', () => void subscribe().catch(() => {}));
  client.on('message', (topic, payload, packet) => {
    const text = payload.toString('utf8');
    seen.push({ topic, payload: text, retain: packet.retain, at: performance.now() });
    check(topic, text);
    for (const wake of [...waiters]) wake();
  });
  await subscribe();

  function check(topic: string, text: string) {
    if (text === '') return; // a deletion
    if (topic.startsWith(`${discoveryPrefix}/`) && topic.endsWith('/config')) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        violations.push(`${topic}: not JSON`);
        return;
      }
      if (!validDiscovery(body)) violations.push(`${topic}: ${ajv.errorsText(validDiscovery.errors)}`);
      return;
    }
    if (topic.endsWith('/attributes')) {
      // HA's json_attributes_topic takes a JSON object only; the card needs the host's id in it.
      const body = JSON.parse(text) as Record<string, unknown> | null;
      if (
        !body ||
        typeof body !== 'object' ||
        Array.isArray(body) ||
        typeof body.redflag_host_id !== 'string'
      )
        violations.push(`${topic}: ${text} is not RedFlag's attributes object`);
    } else if (/\/(os|containers\/[^/]+)\/state$/.test(topic)) {
      const body = JSON.parse(text) as unknown;
      if (!validUpdateState(body)) violations.push(`${topic}: ${ajv.errorsText(validUpdateState.errors)}`);
    } else if (/\/(pending|security)\/state$/.test(topic)) {
      if (!/^\d+$/.test(text)) violations.push(`${topic}: ${text} is not a count`);
    } else if (/\/(online|reboot)\/state$/.test(topic)) {
      if (text !== 'ON' && text !== 'OFF') violations.push(`${topic}: ${text} is not ON or OFF`);
    }
  }

  const self = {
    client,
    seen,
    violations,
    /** Messages on `topic` since the start, or since `from` (an index into seen). */
    on(topic: string, from = 0): Seen[] {
      return seen.slice(from).filter((m) => m.topic === topic);
    },
    last(topic: string): Seen | undefined {
      return self.on(topic).at(-1);
    },
    json<T = Record<string, unknown>>(topic: string): T {
      const message = self.last(topic);
      if (!message) throw new Error(`nothing on ${topic}`);
      return JSON.parse(message.payload) as T;
    },
    /** Waits until `ok` (checked on each message), giving up after two minutes with `what`. */
    async until(ok: () => boolean, what = 'a message'): Promise<void> {
      const deadline = Date.now() + 120_000;
      while (!ok()) {
        if (Date.now() > deadline)
          throw new Error(`gave up waiting for ${what}; last messages: ${JSON.stringify(seen.slice(-5))}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(wake, 200);
          waiters.add(wake);
        });
      }
    },
    /** What a client subscribing now gets from the broker's retained store on `topic` (null: nothing). */
    async retained(topic: string): Promise<string | null> {
      const late = await mqtt.connectAsync(url, {
        protocolVersion: 5,
        clientId: `ha-late-${Math.random().toString(16).slice(2)}`,
      });
      try {
        const got = new Promise<string | null>((resolve) => {
          late.on('message', (_t, payload, packet) =>
            resolve(packet.retain ? payload.toString('utf8') : null),
          );
          // Retained messages arrive right after the SUBACK; a ping round trip after it means none.
          void late
            .subscribeAsync(topic, { qos: 1 })
            .then(() => late.publishAsync(`${topicPrefix}/probe-${Math.random()}`, '', { qos: 1 }))
            .then(() => resolve(null));
        });
        return await got;
      } finally {
        await late.endAsync(true);
      }
    },
    async send(topic: string, payload: string, retain = false): Promise<void> {
      await client.publishAsync(topic, payload, { qos: 1, retain });
    },
    discoveryTopic: (agentId: string) => `${discoveryPrefix}/device/redflag_${agentId}/config`,
    stateTopic: (agentId: string, entity: string) => `${topicPrefix}/hosts/${agentId}/${entity}/state`,
    commandTopic: (agentId: string, entity: string) => `${topicPrefix}/hosts/${agentId}/${entity}/set`,
    async close() {
      await client.endAsync(true);
    },
  };
  return self;
}

export type HaObserver = Awaited<ReturnType<typeof observeAsHa>>;
