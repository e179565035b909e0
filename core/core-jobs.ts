import type { Dispatcher } from './commands/index.js';
import type { Database } from './db/index.js';
import { pruneHistory } from './events/index.js';
import type { JobRunner } from './jobs/index.js';
import type { Logger } from './log/index.js';
import type { InstallWorkflow } from './updates/index.js';

const COMMAND_EXPIRY_INTERVAL_MS = 5000;
const WINDOW_CHECK_INTERVAL_MS = 60_000;
const SESSION_CLEANUP_INTERVAL_MS = 3600_000;
const RETENTION_INTERVAL_MS = 3600_000;
/** Hourly jobs of cores started together spread over a few minutes. */
const JOB_JITTER_MS = 300_000;

/**
 * The core's own periodic work, on the job runner (issue 22 §3): once per interval across the
 * cores sharing a database, a failure recorded as a system event.
 */
export function addCoreJobs(
  jobs: JobRunner,
  ctx: { db: Database; dispatcher: Dispatcher; workflow: InstallWorkflow; log: Logger },
): void {
  const { db, log } = ctx;
  // Commands nobody acknowledged in time become timed_out, with an event saying so.
  jobs.add({
    name: 'commands.expire',
    intervalMs: COMMAND_EXPIRY_INTERVAL_MS,
    run: () => ctx.dispatcher.expireOverdue(),
  });
  // Approved updates waiting for a maintenance window start when it opens.
  jobs.add({
    name: 'policy.maintenance-windows',
    intervalMs: WINDOW_CHECK_INTERVAL_MS,
    run: async () => {
      for (const { agentId, plugin } of await db.policies.waitingApprovals())
        await ctx.workflow.resume(agentId, plugin);
    },
  });
  // Expired sessions are refused anyway; this keeps the table from growing without end.
  jobs.add({
    name: 'sessions.cleanup',
    intervalMs: SESSION_CLEANUP_INTERVAL_MS,
    jitterMs: JOB_JITTER_MS,
    run: async () => {
      await db.sessions.deleteExpired();
    },
  });
  // History older than the retention settings (changed in the panel) is deleted hourly.
  jobs.add({
    name: 'history.retention',
    intervalMs: RETENTION_INTERVAL_MS,
    jitterMs: JOB_JITTER_MS,
    run: async () => {
      const pruned = await pruneHistory(db);
      if (pruned.commands + pruned.events + pruned.clientErrors > 0)
        log.info({ pruned }, 'old history deleted');
    },
  });
}
