import { commandParamsSchemas } from '../../../broker/protocol/index.js';
import type {
  InstallProgress,
  InstallResult,
  PackageRef,
  Transaction,
  TransactionItem,
} from '../../../plugins/sdk/index.js';
import { runScan } from '../../scanner.js';
import type { CommandRun } from '../command-run.js';
import { type CommandHandler, exitCodeFrom, type HandlerOutcome } from '../handler.js';
import { asExpected, type ConfirmedTransaction, transactionDifferences } from '../transaction-check.js';
import type { HandlerDeps } from './deps.js';

interface InstallParams {
  plugin: string;
  packages: PackageRef[];
  /**
   * The transaction a person (or policy) confirmed from the dry run: required (DESIGN.md §3.7).
   * The core sends it as `expected` (the dry run's own shape); `transaction` (docs/protocol.md's
   * example, compact or full) is accepted too.
   */
  expected?: ConfirmedTransaction;
  transaction?: ConfirmedTransaction;
  timeoutSeconds?: number;
}

type PackageOutcome = {
  name: string;
  arch?: string;
  from?: string;
  to?: string;
  outcome: 'upgraded' | 'unchanged' | 'failed' | 'skipped';
};

/**
 * `install`: under the plugin's lock, a fresh dry run first; if it differs from the confirmed
 * transaction nothing is installed. Then the install, its progress streamed, and per-package
 * outcomes from what the package database says changed.
 */
export function installHandler(deps: HandlerDeps): CommandHandler<InstallParams> {
  return {
    paramsSchema: commandParamsSchemas.install,
    plugin: (params) => params.plugin,
    timeoutMs: 3 * 3600_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const outcome = await install(deps, params, run);
      // issue 21 §3: whatever happened, the fleet learns at once what the host has now (the
      // extras the transaction upgraded, a half-done failure), not at the next scheduled scan.
      return { ...outcome, followUp: rescan(deps, params.plugin) };
    },
  };
}

/**
 * The plugin's inventory read again after an install, as a complete scan through the spool
 * (after the install's result, so the core records the install before the scan resolves what
 * it upgraded). Its failure is a scan message with `error`, like any scan's.
 */
function rescan(deps: HandlerDeps, plugin: string): (signal: AbortSignal) => Promise<void> {
  return async (signal) => {
    try {
      await runScan(deps.scanner, plugin, { trigger: 'command', signal });
    } catch {
      // Aborted: the agent is stopping; the next scheduled scan reports it.
    }
  };
}

async function install(deps: HandlerDeps, params: InstallParams, run: CommandRun): Promise<HandlerOutcome> {
  const hostTimeout = run.timeoutMs + 60_000;
  const confirmed = (params.expected ?? params.transaction)!;
  try {
    return await deps.runtime.exclusive(params.plugin, run.signal, async (pm) => {
      run.status('checking the transaction with a fresh dry run');
      const dry = await pm.dryRun(
        { packages: params.packages },
        { signal: run.signal, timeoutMs: hostTimeout },
      );
      if (!dry.ok)
        return dry.reason === 'cancelled'
          ? { status: 'cancelled' as const }
          : {
              status: 'failed' as const,
              error: `dry run before installing failed: ${dry.message}`,
              data: { plugin: params.plugin, packages: outcomes(params, null, 'skipped') },
            };
      const fresh = dry.value;
      const differences = transactionDifferences(confirmed, fresh);
      if (differences.length) {
        for (const d of differences) run.line('stderr', d);
        return {
          status: 'failed' as const,
          error: `refused: the transaction changed since it was confirmed (${differences.join(', ')})`,
          data: {
            plugin: params.plugin,
            differences,
            transaction: fresh,
            packages: outcomes(params, fresh, 'skipped'),
          },
        };
      }
      run.status(`installing ${params.packages.map((p) => p.name).join(', ')}`);
      const installed = await pm.install(
        { packages: params.packages, expected: asExpected(confirmed, fresh) },
        (p) => progress(run, p),
        // Until the plugin's point of no return a cancel stops it (issue 21 §6).
        { signal: run.signal, timeoutMs: hostTimeout, onPointOfNoReturn: () => run.pointOfNoReturn() },
      );
      if (!installed.ok)
        return installed.reason === 'cancelled'
          ? {
              status: 'cancelled' as const,
              data: { plugin: params.plugin, packages: outcomes(params, fresh, 'failed') },
            }
          : {
              status: 'failed' as const,
              error: installed.message,
              exitCode: exitCodeFrom(installed.message) ?? 1,
              data: {
                plugin: params.plugin,
                packages: outcomes(params, fresh, 'failed'),
                failed: params.packages.map((p) => ({ ...base(p), message: installed.message })),
                // The plugin's own account (docker: each container, rolled back or not).
                ...(installed.details ? { details: installed.details } : {}),
              },
            };
      return succeeded(params, fresh, installed.value, run);
    });
  } catch {
    return { status: 'cancelled' }; // cancelled while waiting for the plugin's lock
  }
}

function progress(run: CommandRun, p: InstallProgress): void {
  if (p.stage === 'output') run.line('stdout', p.message, p.percent);
  else if (p.stage === 'error')
    run.line('stderr', p.package ? `${p.package}: ${p.message}` : p.message, p.percent);
  else run.status(`${p.stage}: ${p.message}`, p.percent);
}

function succeeded(
  params: InstallParams,
  fresh: Transaction,
  result: InstallResult,
  run: CommandRun,
): HandlerOutcome {
  const packages: PackageOutcome[] = params.packages.map((ref) => {
    const changed = result.changed.find((c) => sameItem(c, ref));
    const planned = fresh.upgrades.find((u) => sameItem(u, ref));
    return changed
      ? {
          ...base(ref),
          ...(changed.fromVersion ? { from: changed.fromVersion } : {}),
          ...(changed.toVersion ? { to: changed.toVersion } : {}),
          outcome: 'upgraded',
        }
      : {
          ...base(ref),
          ...(planned?.fromVersion ? { from: planned.fromVersion } : {}),
          outcome: 'unchanged',
        };
  });
  for (const w of result.warnings) run.line('stderr', w);
  if (result.rebootRequired.required)
    run.status(`reboot required: ${result.rebootRequired.reasons.join('; ')}`);
  return {
    status: 'succeeded',
    exitCode: 0,
    data: {
      plugin: params.plugin,
      packages,
      changed: result.changed,
      rebootRequired: result.rebootRequired.required,
      rebootReasons: result.rebootRequired.reasons,
      warnings: result.warnings,
      ...(result.details ? { details: result.details } : {}),
    },
  };
}

function outcomes(
  params: InstallParams,
  fresh: Transaction | null,
  outcome: 'failed' | 'skipped',
): PackageOutcome[] {
  return params.packages.map((ref) => {
    const planned = fresh?.upgrades.find((u) => sameItem(u, ref));
    return { ...base(ref), ...(planned?.fromVersion ? { from: planned.fromVersion } : {}), outcome };
  });
}

function base(ref: PackageRef): { name: string; arch?: string } {
  return { name: ref.name, ...(ref.arch ? { arch: ref.arch } : {}) };
}

function sameItem(item: TransactionItem, ref: PackageRef): boolean {
  return item.name === ref.name && (!ref.arch || !item.arch || item.arch === ref.arch);
}
