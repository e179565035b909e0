// Proxmox discovery (issue 23): a stand-in cluster of 10 nodes and 500 guests (the test
// stand-in, which checks every answer against PVE's schema), read by the plugin's discovery
// with bounded concurrency: wall time and requests per guest, against the reference of the
// same GET requests made bare (same HTTPS agent, same concurrency, no parsing). Then matching
// 500 guests against 500 agents. Targets: discovery < 5 s, matching < 100 ms.
import { discoverEndpoint } from '../../plugins/proxmox/discovery.js';
import { type MatchableAgent, type MatchableGuest, matchGuests } from '../../plugins/proxmox/matching.js';
import { createPveClient } from '../../plugins/proxmox/pve-client.js';
import { systemClock } from '../../plugins/sdk/index.js';
import { type FakeCluster, type FakeGuest, startPveStandIn } from '../plugins/proxmox/pve-stand-in.js';

const NODES = Number(process.env.BENCH_NODES ?? 10);
const GUESTS = Number(process.env.BENCH_GUESTS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TOKEN_ID = 'bench@pve!discovery';
const SECRET = 'b3c4d5e6-0000-4000-8000-000000000000';

const mac = (i: number) => `BC:24:11:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase(); // prettier-ignore

function cluster(): FakeCluster {
  const nodes = Array.from({ length: NODES }, (_, n) => ({ name: `pve${n + 1}`, ip: `10.0.0.${n + 1}`, guests: [] as FakeGuest[] }));
  for (let i = 0; i < GUESTS; i++) {
    const lxc = i % 5 !== 4;
    nodes[i % NODES]!.guests.push({
      vmid: 100 + i,
      type: lxc ? 'lxc' : 'qemu',
      name: `guest-${i}`,
      status: i % 4 === 3 ? 'stopped' : 'running',
      guestAgent: !lxc && i % 2 === 0,
      tags: i % 3 === 0 ? ['prod'] : [],
      macs: [mac(i)],
      ips: [`10.${(i >> 8) & 255}.${i & 255}.10`],
    });
  }
  return { name: 'bench', nodes };
} // prettier-ignore

async function bareRequests(url: string, fingerprint: string, paths: string[]): Promise<number> {
  const client = createPveClient(
    { name: 'bare', url, tokenId: TOKEN_ID, fingerprint, timeoutMs: 30_000, retries: 0, retryDelayMs: 1 },
    SECRET,
    systemClock,
  );
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < paths.length) await client.get(paths[next++]!).catch(() => null);
    }),
  );
  const ms = performance.now() - started;
  client.close();
  return ms;
}

export async function run() {
  const standIn = await startPveStandIn(cluster(), { tokenId: TOKEN_ID, secret: SECRET });
  try {
    const client = createPveClient(
      { name: 'bench', url: standIn.url, tokenId: TOKEN_ID, fingerprint: standIn.fingerprint, timeoutMs: 30_000, retries: 0, retryDelayMs: 1 },
      SECRET,
      systemClock,
    ); // prettier-ignore
    await discoverEndpoint(client, { concurrency: CONCURRENCY }); // warm-up (TLS, JIT, schema compile)
    const before = client.requests;
    standIn.requests.length = 0;
    const started = performance.now();
    const found = await discoverEndpoint(client, { concurrency: CONCURRENCY });
    const discoveryMs = performance.now() - started;
    const requests = client.requests - before;
    const paths = [...standIn.requests];
    client.close();
    const referenceMs = await bareRequests(standIn.url, standIn.fingerprint, paths);
    if (standIn.violations.length)
      throw new Error(`stand-in answers outside the schema: ${standIn.violations[0]}`);

    console.log(`discovery: ${NODES} nodes, ${found.guests.length} guests, concurrency ${CONCURRENCY}`);
    console.log(`  wall time        ${discoveryMs.toFixed(0)} ms (target < 5000 ms)`);
    console.log(`  requests         ${requests} (${(requests / found.guests.length).toFixed(2)} per guest)`);
    console.log(`  bare requests    ${referenceMs.toFixed(0)} ms for the same ${paths.length} GETs`);
    console.log(`  ratio            ${(discoveryMs / referenceMs).toFixed(2)}x the bare requests`);

    const guests: MatchableGuest[] = found.guests.map((g) => ({
      ...g,
      endpoint: 'bench',
      goneAt: null,
      link: null,
      agentId: null,
    }));
    // A third by MAC, a third by host name, a third by address.
    const agents: MatchableAgent[] = found.guests.map((g, i) => ({
      id: `agent-${i}`,
      hostname: i % 3 === 1 ? g.name : `host-${i}`,
      status: 'active',
      macAddresses: i % 3 === 0 ? g.macs : [],
      address: i % 3 === 2 ? (g.ips[0] ?? null) : null,
    })); // prettier-ignore
    matchGuests(guests, agents);
    const times: number[] = [];
    let matched = 0;
    for (let r = 0; r < 20; r++) {
      const t0 = performance.now();
      matched = matchGuests(guests, agents).filter((m) => m.agentId).length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`matching: ${guests.length} guests against ${agents.length} agents, ${matched} matched`);
    console.log(
      `  median ${times[10]!.toFixed(2)} ms, worst ${times.at(-1)!.toFixed(2)} ms (target < 100 ms)`,
    );
  } finally {
    await standIn.close();
  }
}
