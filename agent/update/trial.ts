import type { Logger } from 'pino';
import type { AgentEvent } from '../executor/executor.js';
import type { HandlerOutcome } from '../executor/handler.js';
import { AGENT_VERSION } from '../version.js';
import type { RunningBundle } from './running-bundle.js';
import { clearTrial, markConfirmed, readTrial, type TrialRecord } from './trial-files.js';

export interface TrialContext {
  bundle: RunningBundle | null;
  /** Spools the command's result and closes its journal entry (CommandExecutor.finish). */
  finish(commandId: string, outcome: HandlerOutcome, startedAt: string): Promise<void>;
  report(event: AgentEvent): Promise<void>;
  logger: Logger;
}

export interface UpdateTrial {
  /** The update_agent command whose result waits for this run to connect, or null. */
  awaiting: string | null;
  /** Called on every connect: the first one confirms a pending update. */
  connected(): Promise<void>;
}

/**
 * At start, settles a self-update the previous run began (docs/agent.md, "Self-update and
 * rollback"). This run is the new version: its update succeeds when it connects (then the
 * launcher stops watching). This run is not: the launcher rolled the update back, or the
 * previous run stopped between writing the trial and restarting; either way the update failed,
 * and the result and an event say why. Both are spooled, so they reach the core in any case.
 */
export async function settleUpdateTrial(ctx: TrialContext): Promise<UpdateTrial> {
  const none: UpdateTrial = { awaiting: null, connected: async () => {} };
  const bundle = ctx.bundle;
  if (!bundle) return none;
  const found = await readTrial(bundle.dir).catch((err: unknown) => {
    ctx.logger.error({ err }, 'the update trial files cannot be read; ignoring them');
    return null;
  });
  if (!found) return none;
  const { trial, rolledBack } = found;
  const log = ctx.logger.child({ component: 'update', commandId: trial.commandId });

  if (bundle.sha256 === trial.to.sha256 && !rolledBack) {
    log.info({ from: trial.from.version, to: trial.to.version }, 'new version on trial: waiting to connect');
    let confirmed = false;
    return {
      awaiting: trial.commandId,
      async connected() {
        if (confirmed) return;
        confirmed = true;
        await ctx.finish(trial.commandId, updatedOutcome(trial), trial.startedAt);
        await ctx.report({
          type: 'agent.update',
          subtype: 'updated',
          severity: 'info',
          message: `agent updated from ${trial.from.version} to ${trial.to.version}`,
          metadata: { commandId: trial.commandId, from: trial.from, to: trial.to },
        });
        await markConfirmed(bundle.dir);
        await clearTrial(bundle.dir);
        log.info(
          { from: trial.from.version, to: trial.to.version },
          'update confirmed: connected to the core',
        );
      },
    };
  }

  const reason =
    rolledBack ??
    (bundle.sha256 === trial.from.sha256
      ? 'the agent stopped before the new version started'
      : `this bundle (${bundle.sha256}) is neither the old nor the new one`);
  const error = `update to ${trial.to.version} rolled back to ${AGENT_VERSION}: ${reason}`;
  await ctx.finish(
    trial.commandId,
    {
      status: 'failed',
      error,
      data: { outcome: 'rolled_back', from: trial.from, to: trial.to, reason },
    },
    trial.startedAt,
  );
  await ctx.report({
    type: 'agent.update',
    subtype: 'rolled_back',
    severity: 'warning',
    message: error,
    metadata: { commandId: trial.commandId, from: trial.from, to: trial.to, reason },
  });
  await clearTrial(bundle.dir);
  log.warn({ reason }, 'update rolled back');
  return none;
}

function updatedOutcome(trial: TrialRecord): HandlerOutcome {
  return { status: 'succeeded', data: { outcome: 'updated', from: trial.from, to: trial.to } };
}
