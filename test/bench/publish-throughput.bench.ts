// Raw publish throughput (issue 3): agents publishing QoS 1 `up/event` messages through
// RedFlag's broker with its authentication and ACL hooks, against a bare aedes broker and a
// Mosquitto broker started here, each in its own process, same clients and payloads, same run.
// Throughput = messages acknowledged (PUBACK) per second. Target: RedFlag ≥ 80% of bare aedes.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { createConnectPassword } from '../../broker/protocol/index.js';
import { startBareAedes, startMosquitto } from './lib.js';

const PUBLISHERS = 10;
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20000);
const IN_FLIGHT = 20; // per publisher
const payload = JSON.stringify({
  v: 1,
  id: randomUUID(),
  ts: new Date().toISOString(),
  type: 'bench',
  severity: 'info',
  message: 'x'.repeat(900),
});

async function publishAll(clients: MqttClient[], topicFor: (i: number) => string): Promise<number> {
  const perClient = Math.ceil(MESSAGES / clients.length);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, c) => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (sent < perClient) {
            sent++;
            await client.publishAsync(topicFor(c), payload, { qos: 1 });
          }
        }),
      );
    }),
  );
  return (perClient * clients.length) / ((performance.now() - t0) / 1000);
}

async function anonymous(url: string): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: PUBLISHERS }, () =>
      mqtt.connectAsync(url, { clientId: randomUUID(), reconnectPeriod: 0 }),
    ),
  );
  try {
    return await publishAll(clients, (c) => `rf/v1/agents/${clients[c]!.options.clientId}/up/event`);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
  }
}

async function redflag(): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./redflag-broker-process.ts', import.meta.url).pathname, String(PUBLISHERS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString())),
  );
  const { port, agents } = JSON.parse(line) as {
    port: number;
    agents: Array<{ agentId: string; privateKey: string }>;
  };
  const clients = await Promise.all(
    agents.map((a) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: a.agentId,
        username: a.agentId,
        password: createConnectPassword(a.agentId, a.privateKey),
        reconnectPeriod: 0,
      }),
    ),
  );
  try {
    return await publishAll(clients, (c) => `rf/v1/agents/${agents[c]!.agentId}/up/event`);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const ROUNDS = 3;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

export async function run() {
  // Rounds interleave the brokers, in a different order each time, so warm-up and machine
  // noise fall on all of them alike.
  const rates: Record<'bare' | 'mosquitto' | 'redflag', number[]> = { bare: [], mosquitto: [], redflag: [] };
  let mosquittoMissing = false;
  const measure = {
    bare: async () => {
      const bare = await startBareAedes();
      rates.bare.push(await anonymous(bare.url).finally(() => bare.stop()));
    },
    mosquitto: async () => {
      const mosquitto = await startMosquitto();
      if (mosquitto) rates.mosquitto.push(await anonymous(mosquitto.url).finally(() => mosquitto.stop()));
      else mosquittoMissing = true;
    },
    redflag: async () => {
      rates.redflag.push(await redflag());
    },
  };
  const orders = [
    ['bare', 'mosquitto', 'redflag'],
    ['redflag', 'bare', 'mosquitto'],
    ['mosquitto', 'redflag', 'bare'],
  ] as const;
  for (let round = 0; round < ROUNDS; round++) for (const name of orders[round % 3]!) await measure[name]();
  const bareRate = median(rates.bare);
  const mosquittoRate = mosquittoMissing ? null : median(rates.mosquitto);
  const ours = median(rates.redflag);
  console.log(
    `${MESSAGES} QoS 1 messages of ${payload.length} bytes from ${PUBLISHERS} publishers, ` +
      `${IN_FLIGHT} in flight each; median of ${ROUNDS} rounds`,
  );
  console.log(`bare aedes (reference)          ${bareRate.toFixed(0)} msg/s`);
  if (mosquittoRate !== null)
    console.log(
      `Mosquitto                       ${mosquittoRate.toFixed(0)} msg/s  (${(mosquittoRate / bareRate).toFixed(2)}x bare aedes)`,
    );
  else console.log('Mosquitto                       not installed (package mosquitto): skipped');
  console.log(
    `RedFlag broker with its hooks   ${ours.toFixed(0)} msg/s  (${(ours / bareRate).toFixed(2)}x bare aedes; target ≥ 0.80: ${ours / bareRate >= 0.8 ? 'met' : 'NOT met'})`,
  );
}
