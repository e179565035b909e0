import type { Logger } from 'pino';
import type { ScanSchedule } from '../../../broker/protocol/index.js';
import type { PluginRuntime } from '../../plugins/plugin-runtime.js';
import type { ScannerContext } from '../../scanner.js';
import type { CancelOutcome } from '../executor.js';
import type { RunningBundle } from '../../update/running-bundle.js';

/** What set_config changes; the daemon persists each part where it belongs. */
export interface SettingsApplier {
  applySchedules(schedules: Record<string, ScanSchedule>): Promise<void>;
  updateServerKeys(add: Record<string, string>, remove: string[]): Promise<void>;
  setRebootAllowed(allowed: boolean): Promise<void>;
  applyPluginSettings(settings: Record<string, Record<string, unknown>>): Promise<void>;
}

/** The one context object the command handlers share. */
export interface HandlerDeps {
  runtime: PluginRuntime;
  scanner: ScannerContext;
  reboot(): { allowed: boolean; command: string[]; configPath: string };
  settings: SettingsApplier;
  /** Stops a running command, or withdraws one that has not arrived (see CommandExecutor.cancel). */
  cancel(targetId: string, by: { id: string; expiresAt: string }): Promise<CancelOutcome>;
  /** What update_agent needs: where the core is, the keys trusted, the bundle this process runs. */
  update: {
    serverUrl(): string;
    serverKeys(): Record<string, string>;
    bundle(): RunningBundle | null;
  };
  logger: Logger;
}
