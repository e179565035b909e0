import type { Logger } from 'pino';
import type { AgentEvent } from './executor/executor.js';
import type { StorageChange } from './state/storage-health.js';

/**
 * A state directory that stops taking writes (a full disk), and its recovery, as agent events
 * (`agent.storage`): the core shows them on the host (issue 25 §2). The event itself is held in
 * the spool's memory while the disk refuses it, so it reaches the core all the same.
 */
export function storageEventReporter(ctx: {
  stateDir: string;
  report(event: AgentEvent): Promise<void>;
  log: Logger;
}) {
  return (change: StorageChange): void => {
    let event: AgentEvent;
    if (change.kind === 'failing') {
      const { what, error, code, since } = change.problem;
      ctx.log.error({ what, error, stateDir: ctx.stateDir }, 'the state directory refuses writes');
      event = {
        type: 'agent.storage',
        subtype: 'write_failed',
        severity: 'error',
        message:
          `the agent cannot write its state directory ${ctx.stateDir} (${what}: ${error}): ` +
          'new commands are refused, results and scans are kept in memory and sent while connected',
        metadata: { stateDir: ctx.stateDir, what, code, error, since },
      };
    } else {
      const { what, error, since } = change.after;
      ctx.log.info({ stateDir: ctx.stateDir }, 'the state directory takes writes again');
      event = {
        type: 'agent.storage',
        subtype: 'recovered',
        severity: 'info',
        message: `the agent can write its state directory ${ctx.stateDir} again (failing since ${since})`,
        metadata: { stateDir: ctx.stateDir, what, error, since },
      };
    }
    void ctx
      .report({ ...event, message: event.message.slice(0, 4096) })
      .catch((err: unknown) => ctx.log.error({ err }, 'could not spool the storage event'));
  };
}
