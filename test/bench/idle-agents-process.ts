// A child process of a benchmark that keeps enrolled agents connected and listening, as the
// rest of a fleet would be, so the bench process that measures holds only the agents it times
// (its own garbage collections then no longer land in the samples: a real agent is a process
// of its own). Driven over IPC by test/bench/idle-agents.ts.
import type { MqttClient } from 'mqtt';
import type { AgentIdentity } from '../helpers/sim-agent.js';
import { connectListening } from './lib.js';

const clients: MqttClient[] = [];

process.on('message', (message: { start?: { url: string; identities: AgentIdentity[] }; stop?: true }) => {
  if (message.start) {
    const { url, identities } = message.start;
    connectListening(url, identities, clients).then(
      () => process.send!({ ready: clients.length }),
      (err: unknown) => process.send!({ failed: String(err) }),
    );
  }
  if (message.stop)
    void Promise.all(clients.map((c) => c.endAsync(true).catch(() => {}))).then(() => process.exit(0));
});
