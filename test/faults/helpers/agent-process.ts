/**
 * An agent in a process of its own, with the test package manager, for tests that kill it with
 * SIGKILL (test/faults). Run as `node --import tsx agent-process.ts <config> <stateDir>
 * [scanSleepSeconds]`; prints `AGENT ONLINE` once it is connected.
 */
import { startAgent } from '../../../agent/daemon.js';
import { createAgentLogger } from '../../../agent/log.js';
import { testPackageManager } from '../../agent/helpers/test-plugin.js';

const [configPath, stateDir, sleep] = process.argv.slice(2);
if (!configPath || !stateDir)
  throw new Error('usage: agent-process.ts <config> <stateDir> [scanSleepSeconds]');
const { entry, control } = testPackageManager();
if (sleep) control.scanSleepSeconds = Number(sleep);
const agent = await startAgent({
  configPath,
  stateDir,
  plugins: [entry],
  logger: createAgentLogger('info', process.stderr),
  backoff: { initialMs: 50, maxMs: 400 },
  scheduler: { enabled: false },
});
agent.events.on('online', () => process.stdout.write('AGENT ONLINE\n'));
if (agent.online) process.stdout.write('AGENT ONLINE\n');
control.events.on('scan-started', () => process.stdout.write('SCAN STARTED\n'));
