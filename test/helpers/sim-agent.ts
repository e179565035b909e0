import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import mqtt, { type IClientOptions, MqttClient } from 'mqtt';
import {
  type CommandMessage,
  createConnectPassword,
  downWildcard,
  generateKeyPair,
  presenceTopic,
  type ScanMessage,
  type ScanPackage,
  type UpType,
  upTopic,
  verifyCommand,
} from '../../broker/protocol/index.js';

/**
 * A test agent speaking the real protocol: registers over HTTP, connects with a signed
 * password over MQTT (mqtt.js), verifies commands with the reference verifier.
 */
export interface AgentIdentity {
  agentId: string;
  publicKey: string;
  privateKey: string;
  machineIdHash: string;
  serverKeys: Record<string, string>;
  brokerUrl: string;
  topicPrefix: string;
}

export async function registerSimAgent(
  httpUrl: string,
  token: string,
  overrides: Partial<{
    machineIdHash: string;
    hostname: string;
    publicKey: string;
    privateKey: string;
    macAddresses: string[];
  }> = {},
): Promise<{ status: number; body: Record<string, unknown>; identity: AgentIdentity | null }> {
  const keys =
    overrides.publicKey && overrides.privateKey
      ? { publicKey: overrides.publicKey, privateKey: overrides.privateKey }
      : generateKeyPair();
  const machineIdHash = overrides.machineIdHash ?? createHash('sha256').update(randomBytes(16)).digest('hex');
  const res = await fetch(`${httpUrl}/api/v1/agents/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token,
      publicKey: keys.publicKey,
      machineIdHash,
      hostname: overrides.hostname ?? `sim-${randomBytes(3).toString('hex')}`,
      os: 'Debian GNU/Linux 12',
      arch: 'x86_64',
      agentVersion: '0.0.0-test',
      macAddresses: overrides.macAddresses ?? ['02:00:00:00:00:01'],
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) return { status: res.status, body, identity: null };
  return {
    status: res.status,
    body,
    identity: {
      agentId: String(body.agentId),
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
      machineIdHash,
      serverKeys: body.serverKeys as Record<string, string>,
      brokerUrl: String(body.brokerUrl),
      topicPrefix: String(body.topicPrefix),
    },
  };
}

export function connectPassword(identity: AgentIdentity, nowMs = Date.now()): string {
  return createConnectPassword(identity.agentId, identity.privateKey, nowMs);
}

/** Connects; rejects with the broker's refusal (CONNACK code in `code`). */
export function connectAgent(
  url: string,
  identity: AgentIdentity,
  opts: {
    password?: string;
    clientId?: string;
    username?: string;
    will?: boolean;
    tls?: { ca: Buffer };
    /** Connects from this local address (any of 127.0.0.0/8 on Linux): another source address. */
    localAddress?: string;
    /** How long to wait for the CONNACK (5 s): a bench on a loaded machine waits longer. */
    connectTimeoutMs?: number;
  } = {},
): Promise<MqttClient> {
  const options: IClientOptions = {
    ...(opts.tls ? { ca: opts.tls.ca, rejectUnauthorized: true } : {}),
    clientId: opts.clientId ?? identity.agentId,
    username: opts.username ?? identity.agentId,
    password: opts.password ?? connectPassword(identity),
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    clean: true,
    ...(opts.will === false
      ? {}
      : {
          will: {
            topic: presenceTopic(identity.topicPrefix, identity.agentId),
            payload: Buffer.from(JSON.stringify({ v: 1, online: false })),
            qos: 1,
            retain: true,
          },
        }),
  };
  const client = opts.localAddress
    ? connectFrom(url, opts.localAddress, options)
    : mqtt.connect(url, options);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** mqtt.js over a TCP socket bound to `localAddress` (its own TCP transport does not bind). */
function connectFrom(url: string, localAddress: string, options: IClientOptions): MqttClient {
  const { hostname, port } = new URL(url);
  return new MqttClient(
    () => createConnection({ host: hostname, port: Number(port), localAddress }),
    options,
  );
}

export function envelope(): { v: 1; id: string; ts: string } {
  return { v: 1, id: randomUUID(), ts: new Date().toISOString() };
}

/** One package of a scan: a security upgrade of an apt package unless told otherwise. */
export function scanPackage(name: string, fields: Partial<ScanPackage> = {}): ScanPackage {
  return {
    plugin: 'apt',
    name,
    arch: 'amd64',
    currentVersion: '1.0',
    availableVersion: '1.1',
    severity: 'high',
    source: 'bookworm-security',
    security: true,
    metadata: {},
    ...fields,
  };
}

/** A complete scan of one plugin (apt unless told otherwise), as an agent sends it. */
export function scanMessage(packages: ScanPackage[], fields: Partial<ScanMessage> = {}): ScanMessage {
  const now = new Date().toISOString();
  return {
    ...envelope(),
    batchId: randomUUID(),
    plugin: 'apt',
    complete: true,
    startedAt: now,
    finishedAt: now,
    packages,
    ...fields,
  };
}

export function publishUp(
  client: MqttClient,
  identity: AgentIdentity,
  type: UpType,
  payload: unknown,
): Promise<void> {
  return client
    .publishAsync(upTopic(identity.topicPrefix, identity.agentId, type), JSON.stringify(payload), { qos: 1 })
    .then(() => undefined);
}

export function helloMessage() {
  return {
    ...envelope(),
    agentVersion: '9.9.9-test',
    os: { id: 'debian', name: 'Debian GNU/Linux', version: '12', kernel: '6.1.0' },
    arch: 'x86_64',
    hostname: 'sim-host',
    capabilities: [{ name: 'apt', version: '1.0.0', kind: 'package-manager' }],
  };
}

/**
 * Subscribes to the agent's down topics and collects what arrives; commands are verified with
 * the reference verifier and acknowledged like a real agent would.
 */
/** Command types a test agent refuses in its `ack`, as a real one refuses params its handler rejects. */
export type CommandRefusals = Partial<
  Record<string, { reason: 'invalid_params' | 'unknown_type'; detail: string }>
>;

export async function listenDown(
  client: MqttClient,
  identity: AgentIdentity,
  opts: { autoAck?: boolean; refuse?: CommandRefusals } = {},
) {
  const received: Array<{ type: string; payload: Record<string, unknown>; at: number }> = [];
  const waiters: Array<() => void> = [];
  client.on('message', (topic, payload) => {
    const type = topic.split('/').pop()!;
    const message = JSON.parse(payload.toString()) as Record<string, unknown>;
    received.push({ type, payload: message, at: performance.now() });
    if (type === 'command' && opts.autoAck !== false) {
      const check = verifyCommand(message as unknown as CommandMessage, {
        agentId: identity.agentId,
        keys: identity.serverKeys,
      });
      const refusal = check.ok ? opts.refuse?.[String(message.type)] : undefined;
      publishUp(client, identity, 'ack', {
        ...envelope(),
        commandId: message.id,
        accepted: check.ok && !refusal,
        ...(check.ok ? (refusal ?? {}) : { reason: check.reason, detail: check.detail }),
      }).catch(() => {
        // the connection closed before the ack went out: the core re-sends the command
      });
    }
    for (const w of waiters.splice(0)) w();
  });
  await client.subscribeAsync(downWildcard(identity.topicPrefix, identity.agentId), { qos: 1 });
  return {
    received,
    /** Resolves once a message matching `match` has arrived. */
    async waitFor(match: (m: (typeof received)[number]) => boolean, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching down message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}
