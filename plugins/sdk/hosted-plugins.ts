import type { OperationContext } from './context.js';
import type { CallOptions, OperationName, OperationOutcome } from './host-types.js';
import type { Integration, Notification, Notifier } from './integration.js';
import type {
  DetectResult,
  DryRunRequest,
  InstallProgress,
  InstallRequest,
  InstallResult,
  PackageManager,
  PluginCommand,
  PluginCommandResult,
  RebootStatus,
  ScanResult,
} from './package-manager.js';
import {
  acceptAnything,
  checkCommand,
  checkDetect,
  checkHolds,
  checkInstall,
  checkReboot,
  checkScanShape,
  checkTransaction,
  filterScanRecords,
  type ShapeCheck,
} from './result-checks.js';
import type { Transaction } from '../../broker/protocol/index.js';

/** Runs one operation of one plugin under the host's guard (guardOperation). */
export type OperationCaller = <T>(
  operation: OperationName,
  check: ShapeCheck,
  options: CallOptions | undefined,
  invoke: (op: OperationContext) => Promise<T>,
) => Promise<OperationOutcome<T>>;

/** A package-manager plugin as the agent calls it: same operations, each guarded by the host. */
export interface HostedPackageManager {
  readonly name: string;
  readonly version: string;
  detect(options?: CallOptions): Promise<OperationOutcome<DetectResult>>;
  scan(options?: CallOptions): Promise<OperationOutcome<ScanResult>>;
  dryRun(request: DryRunRequest, options?: CallOptions): Promise<OperationOutcome<Transaction>>;
  install(
    request: InstallRequest,
    onProgress: (progress: InstallProgress) => void,
    options?: CallOptions,
  ): Promise<OperationOutcome<InstallResult>>;
  rebootRequired(options?: CallOptions): Promise<OperationOutcome<RebootStatus>>;
  holds(options?: CallOptions): Promise<OperationOutcome<string[]>>;
  /** The command types the plugin runs beside the package operations (`restart_container`). */
  readonly commandTypes: readonly string[];
  /** Runs one of them; `disabled` for a type the plugin does not run. */
  command(
    type: string,
    params: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<OperationOutcome<PluginCommandResult>>;
}

export interface HostedIntegration {
  readonly name: string;
  readonly version: string;
  start(options?: CallOptions): Promise<OperationOutcome<void>>;
  stop(options?: CallOptions): Promise<OperationOutcome<void>>;
}

export interface HostedNotifier {
  readonly name: string;
  readonly version: string;
  notify(notification: Notification, options?: CallOptions): Promise<OperationOutcome<void>>;
}

/**
 * The plugin's operations as callers see them: guarded, requests copied (a plugin cannot change
 * the caller's objects), scan records checked, progress handlers shielded.
 */
export function hostPackageManager(
  name: string,
  version: string,
  pm: PackageManager,
  call: OperationCaller,
  onDropped: (dropped: string[]) => void,
): HostedPackageManager {
  return {
    name,
    version,
    detect: (o) => call('detect', checkDetect, o, (op) => pm.detect(op)),
    scan: async (o) => {
      const outcome = await call('scan', checkScanShape, o, (op) => pm.scan(op));
      if (!outcome.ok) return outcome;
      const { result, dropped } = filterScanRecords(name, outcome.value);
      if (dropped.length) onDropped(dropped);
      return { ok: true, value: result };
    },
    dryRun: (request, o) =>
      call('dryRun', checkTransaction, o, (op) => pm.dryRun(structuredClone(request), op)),
    install: async (request, onProgress, o) => {
      let open = true; // progress after the outcome (a plugin still running after a timeout) is dropped
      const forward = (progress: InstallProgress) => {
        if (!open) return;
        try {
          onProgress(progress);
        } catch {
          // The caller's progress handler must not break the install.
        }
      };
      try {
        return await call('install', checkInstall, o, (op) => {
          // A plugin that does not mark its point of no return is past it from its first step:
          // the host cannot tell when stopping it would leave the system half changed (issue 21 §6).
          if (!pm.marksPointOfNoReturn) op.pointOfNoReturn();
          return pm.install(structuredClone(request), forward, op);
        });
      } finally {
        open = false;
      }
    },
    rebootRequired: (o) => call('rebootRequired', checkReboot, o, (op) => pm.rebootRequired(op)),
    holds: (o) => call('holds', checkHolds, o, (op) => pm.holds(op)),
    commandTypes: Object.keys(pm.commands ?? {}).sort(),
    command: async (type, params, o) => {
      const run = (pm.commands as Record<string, PluginCommand | undefined> | undefined)?.[type];
      if (!run)
        return { ok: false, reason: 'disabled', message: `plugin ${name} does not run ${type} commands` };
      return call('command', checkCommand, o, (op) => run(structuredClone(params), op));
    },
  };
}

export function hostIntegration(
  name: string,
  version: string,
  integration: Integration,
  call: OperationCaller,
): HostedIntegration {
  return {
    name,
    version,
    start: (o) => call('start', acceptAnything, o, (op) => integration.start(op)),
    stop: (o) => call('stop', acceptAnything, o, (op) => integration.stop(op)),
  };
}

export function hostNotifier(
  name: string,
  version: string,
  notifier: Notifier,
  call: OperationCaller,
): HostedNotifier {
  return {
    name,
    version,
    notify: (n, o) => call('notify', acceptAnything, o, (op) => notifier.notify(structuredClone(n), op)),
  };
}
