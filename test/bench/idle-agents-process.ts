// A child process of a benchmark that keeps enrolled agents connected and listening, as the
// rest of a fleet would be, so the bench process that measures holds only the agents it times
// (its own garbage collections then no longer land in the samples: a real agent is a process
// of its own). Driven over IPC by test/bench/idle-agents.ts. With `reconnect`, an agent whose
// connection drops (the core restarted) connects again, with a new signed password, as a real
// agent does; the fault tests (issue 25) count what each one received.
import type { MqttClient } from 'mqtt';
import { type AgentIdentity, connectAgent, listenDown } from '../helpers/sim-agent.js';
import { pool } from './lib.js';

interface Start {
  url: string;
  identities: AgentIdentity[];
  reconnect?: boolean;
}

const clients = new Set<MqttClient>();
/** The ids of the commands each agent received, in order (a re-delivery shows twice). */
const commands = new Map<string, string[]>();
let stopping = false;

async function keepConnected(url: string, identity: AgentIdentity, reconnect: boolean): Promise<void> {
  for (let delayMs = 100; ; delayMs = Math.min(2000, delayMs * 2)) {
    try {
      const client = await connectAgent(url, identity, { will: false });
      clients.add(client);
      client.on('message', (topic, payload) => {
        if (!topic.endsWith('/command')) return;
        const list = commands.get(identity.agentId) ?? [];
        list.push(String((JSON.parse(payload.toString()) as { id: unknown }).id));
        commands.set(identity.agentId, list);
      });
      client.once('close', () => {
        clients.delete(client);
        if (reconnect && !stopping) void keepConnected(url, identity, true);
      });
      await listenDown(client, identity);
      return;
    } catch (err) {
      if (!reconnect || stopping) throw err;
      // Spread out, as real agents' jittered back-off spreads them.
      await new Promise((r) => setTimeout(r, delayMs * (0.5 + Math.random())));
    }
  }
}

process.on('message', (message: { start?: Start; report?: true; stop?: true }) => {
  if (message.start) {
    const { url, identities, reconnect = false } = message.start;
    pool(identities, 50, (identity) => keepConnected(url, identity, reconnect)).then(
      () => process.send!({ ready: clients.size }),
      (err: unknown) => process.send!({ failed: String(err) }),
    );
  }
  if (message.report)
    process.send!({
      report: {
        connected: [...clients].filter((c) => c.connected).length,
        commands: Object.fromEntries(commands),
      },
    });
  if (message.stop) {
    stopping = true;
    void Promise.all([...clients].map((c) => c.endAsync(true).catch(() => {}))).then(() => process.exit(0));
  }
});
