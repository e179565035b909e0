import { commandParamsSchemas } from '../../../broker/protocol/index.js';
import type { PackageRef } from '../../../plugins/sdk/index.js';
import type { CommandRun } from '../command-run.js';
import { type CommandHandler, exitCodeFrom, type HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

interface DryRunParams {
  plugin: string;
  packages: PackageRef[];
  timeoutSeconds?: number;
}

/** `dry_run`: the exact transaction an install would run (DESIGN.md §3.7), changing nothing. */
export function dryRunHandler(deps: HandlerDeps): CommandHandler<DryRunParams> {
  return {
    paramsSchema: commandParamsSchemas.dry_run,
    plugin: (params) => params.plugin,
    timeoutMs: 15 * 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      run.status(`dry run of ${params.packages.length} package(s) with ${params.plugin}`);
      let outcome;
      try {
        outcome = await deps.runtime.exclusive(params.plugin, run.signal, (pm) =>
          pm.dryRun({ packages: params.packages }, { signal: run.signal, timeoutMs: run.timeoutMs + 60_000 }),
        );
      } catch {
        return { status: 'cancelled' };
      }
      if (!outcome.ok)
        return outcome.reason === 'cancelled'
          ? { status: 'cancelled' }
          : { status: 'failed', error: outcome.message, exitCode: exitCodeFrom(outcome.message) };
      const t = outcome.value;
      run.status(
        `${t.upgrades.length} upgrade(s), ${t.newPackages.length} new package(s), ${t.removals.length} removal(s)`,
      );
      for (const warning of t.warnings) run.line('stderr', warning);
      return { status: 'succeeded', exitCode: 0, data: { plugin: params.plugin, transaction: t } };
    },
  };
}
