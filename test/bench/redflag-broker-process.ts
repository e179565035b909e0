// RedFlag's broker on its own (startBroker with its authentication and ACL hooks, agents'
// keys in memory, no database), for the publish-throughput benchmark. Prints one JSON line
// with the port and the generated agents' identities, then serves until SIGTERM.
import { randomUUID } from 'node:crypto';
import { startBroker } from '../../broker/index.js';
import { generateKeyPair } from '../../broker/protocol/index.js';

const count = Number(process.argv[2] ?? 10);
const agents = Array.from({ length: count }, () => ({ agentId: randomUUID(), ...generateKeyPair() }));
const keys = new Map<string, { publicKey: string; active: boolean }>(
  agents.map((a) => [a.agentId, { publicKey: a.publicKey, active: true }]),
);
let received = 0;
const noop = () => {};
const broker = await startBroker({
  host: '127.0.0.1',
  port: 0,
  topicPrefix: 'rf',
  maxClockSkewSec: 300,
  lookupAgent: async (id) => keys.get(id) ?? null,
  events: {
    onRefusal: (r) => process.stderr.write(`refused: ${r.reason} ${r.detail}\n`),
    onAgentConnected: noop,
    onAgentDisconnected: noop,
    onAgentListening: noop,
    onAgentMessage: () => {
      received++;
    },
    onPresence: noop,
  },
  logger: { info: noop, warn: noop, error: noop, debug: noop },
});
process.stdout.write(`${JSON.stringify({ port: broker.ports.tcp, agents })}\n`);
process.on('SIGTERM', () => {
  void received;
  void broker.close().then(() => process.exit(0));
});
