// Recovery after faults (issue 25), never asserted in tests: readiness after `kill -9` of the
// core, all agents back after it, and agents' spools drained once the core is back from an
// outage. References measured in the same run: a bare `node -e` HTTP server's start, 200
// anonymous clients connecting to a bare aedes broker, and the same number of QoS 1 publishes
// through it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { AgentHandle } from '../../agent/daemon.js';
import { registerTestAgent, startTestAgent } from '../agent/helpers/agent-fixture.js';
import { testPackageManager } from '../agent/helpers/test-plugin.js';
import { CoreProcess } from '../faults/helpers/core-process.js';
import { cleanEnv, freePort, tempDir } from '../helpers/cli.js';
import { type AgentIdentity, registerSimAgent } from '../helpers/sim-agent.js';
import { startIdleAgents } from './idle-agents.js';
import { type BenchDatabase, benchDatabases, pool, startBareAedes, waitFor } from './lib.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);
const SPOOLING = Number(process.env.BENCH_SPOOLING_AGENTS ?? 20);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function bareStartMs(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(+process.env.PORT,'127.0.0.1')"],
    { env: cleanEnv({ PORT: String(port) }), stdio: 'ignore' },
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, 30_000, 'the bare server');
  const ms = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

/** 200 anonymous clients connecting at once (50 at a time), then one QoS 1 publish each. */
async function bareBrokerMs(): Promise<{ connectMs: number; publishMs: number }> {
  const bare = await startBareAedes();
  try {
    const t0 = performance.now();
    const clients = await pool(Array.from({ length: AGENTS }), 50, () =>
      mqtt.connectAsync(bare.url, { clientId: randomUUID(), reconnectPeriod: 0 }),
    );
    const connectMs = performance.now() - t0;
    const t1 = performance.now();
    await Promise.all(
      clients.slice(0, SPOOLING).map((c) => c.publishAsync('ref/scan', 'x'.repeat(2048), { qos: 1 })),
    );
    const publishMs = performance.now() - t1;
    await Promise.all(clients.map((c) => c.endAsync(true)));
    return { connectMs, publishMs };
  } finally {
    await bare.stop();
  }
}

async function measure(
  database: BenchDatabase,
  ref: { startMs: number; connectMs: number; publishMs: number },
) {
  const core = await CoreProcess.start({ env: database.env });
  let idle: Awaited<ReturnType<typeof startIdleAgents>> | null = null;
  const agents: AgentHandle[] = [];
  const dir = tempDir('rf-bench-faults-');
  try {
    const token = await core.createToken(AGENTS + SPOOLING);
    const identities: AgentIdentity[] = await pool(Array.from({ length: AGENTS }), 8, async () => {
      const r = await registerSimAgent(core.httpUrl, token);
      if (!r.identity) throw new Error(`registration failed: ${JSON.stringify(r.body)}`);
      return r.identity;
    });
    idle = await startIdleAgents(core.mqttUrl, identities, { reconnect: true });
    for (let i = 0; i < SPOOLING; i++) {
      const home = join(dir.path, `agent-${i}`);
      mkdirSync(home);
      const files = await registerTestAgent(core.httpUrl, token, home);
      agents.push(await startTestAgent(files, [testPackageManager().entry]));
    }
    await waitFor(async () => agents.every((a) => a.online), 60_000, 'the spooling agents');

    await core.kill9();
    // While the core is down, each real agent scans: the scan waits in its spool.
    await Promise.all(agents.map((a) => a.scanNow('testpm')));
    const readyMs = await core.up();
    const back = performance.now();
    let allBackMs = 0;
    let drainedMs = 0;
    await Promise.all([
      waitFor(async () => (await idle!.report()).connected === AGENTS, 300_000, 'all agents back').then(
        () => (allBackMs = performance.now() - back),
      ),
      waitFor(async () => agents.every((a) => a.spool.depth === 0), 300_000, 'the spools to drain').then(
        () => (drainedMs = performance.now() - back),
      ),
    ]);
    console.log(
      `RedFlag on ${database.name}: ready after kill -9 ${seconds(readyMs)} (${(readyMs / ref.startMs).toFixed(1)}x a bare start); ` +
        `${AGENTS} agents back ${seconds(allBackMs)} after ready (${(allBackMs / ref.connectMs).toFixed(1)}x bare aedes connects); ` +
        `${SPOOLING} spools drained ${seconds(drainedMs)} after ready (${(drainedMs / ref.publishMs).toFixed(1)}x bare aedes publishes; ` +
        `test agents reconnect within 0.4 s, real ones back off longer)`,
    );
  } finally {
    for (const agent of agents) await agent.stop();
    await idle?.stop();
    await core.close();
    dir.remove();
    await database.cleanup();
  }
}

export async function run() {
  const startMs = await bareStartMs();
  const { connectMs, publishMs } = await bareBrokerMs();
  console.log(
    `reference: bare node HTTP server ready in ${seconds(startMs)}; bare aedes: ${AGENTS} connects in ${seconds(connectMs)}, ` +
      `${SPOOLING} QoS 1 publishes in ${seconds(publishMs)}`,
  );
  for (const database of benchDatabases()) await measure(database, { startMs, connectMs, publishMs });
}
