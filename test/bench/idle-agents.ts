import { fork } from 'node:child_process';
import type { AgentIdentity } from '../helpers/sim-agent.js';

export interface IdleAgentsReport {
  /** Agents connected now. */
  connected: number;
  /** The ids of the commands each agent received, by agent id (a re-delivery shows twice). */
  commands: Record<string, string[]>;
}

/**
 * Connects `identities` to the broker at `url` from a process of their own
 * (idle-agents-process.ts), each subscribed to its down topics and acknowledging commands like
 * a real agent; resolves once all are connected. With `reconnect`, each connects again when
 * its connection drops (a core restart), as a real agent does.
 */
export async function startIdleAgents(
  url: string,
  identities: AgentIdentity[],
  opts: { reconnect?: boolean } = {},
): Promise<{ connected: number; report(): Promise<IdleAgentsReport>; stop(): Promise<void> }> {
  const child = fork(new URL('./idle-agents-process.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const answer = new Promise<{ ready?: number; failed?: string }>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the idle agents' process exited (${code})`)));
  });
  child.send({ start: { url, identities, reconnect: opts.reconnect ?? false } });
  const { ready, failed } = await answer;
  if (failed !== undefined) {
    child.kill('SIGKILL');
    throw new Error(`the idle agents could not connect: ${failed}`);
  }
  return {
    connected: ready!,
    report() {
      const reply = new Promise<IdleAgentsReport>((resolve) =>
        child.once('message', (m: { report: IdleAgentsReport }) => resolve(m.report)),
      );
      child.send({ report: true });
      return reply;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ stop: true });
      await exited;
    },
  };
}
