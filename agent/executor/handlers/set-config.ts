import { commandParamsSchemas, keyFingerprint, type ScanSchedule } from '../../../broker/protocol/index.js';
import type { CommandRun } from '../command-run.js';
import { type CommandHandler, type HandlerOutcome } from '../handler.js';
import type { HandlerDeps } from './deps.js';

interface SetConfigParams {
  schedules?: Record<string, ScanSchedule>;
  /** Key rotation (docs/protocol.md): trust a new server key, later withdraw the old one. */
  serverKeys?: { add?: Record<string, string>; remove?: string[] };
  allowReboot?: boolean;
  pluginSettings?: Record<string, Record<string, unknown>>;
  timeoutSeconds?: number;
}

/**
 * `set_config`: the signed way to change what an unsigned `config` message may not — trusted
 * server keys, reboot permission, plugin settings — and schedules too. Each part is persisted
 * before the result says it was applied.
 */
export function setConfigHandler(deps: HandlerDeps): CommandHandler<SetConfigParams> {
  return {
    paramsSchema: commandParamsSchemas.set_config,
    timeoutMs: 5 * 60_000,
    async run(params, run: CommandRun): Promise<HandlerOutcome> {
      const applied: string[] = [];
      if (params.serverKeys) {
        const add = params.serverKeys.add ?? {};
        for (const [keyId, key] of Object.entries(add)) {
          let fingerprint: string | null = null;
          try {
            fingerprint = keyFingerprint(key);
          } catch {
            // reported below
          }
          if (fingerprint !== keyId)
            return {
              status: 'failed',
              error: `server key ${keyId} is not the fingerprint of the key given with it; nothing was changed`,
            };
        }
        await deps.settings.updateServerKeys(add, params.serverKeys.remove ?? []);
        applied.push('serverKeys');
        run.status(`server keys: +${Object.keys(add).length} -${params.serverKeys.remove?.length ?? 0}`);
      }
      if (params.allowReboot !== undefined) {
        await deps.settings.setRebootAllowed(params.allowReboot);
        applied.push('allowReboot');
        run.status(`reboots ${params.allowReboot ? 'allowed' : 'not allowed'}`);
      }
      if (params.schedules) {
        await deps.settings.applySchedules(params.schedules);
        applied.push('schedules');
        run.status(`schedules for ${Object.keys(params.schedules).join(', ') || 'no plugin'}`);
      }
      if (params.pluginSettings) {
        await deps.settings.applyPluginSettings(params.pluginSettings);
        applied.push('pluginSettings');
        run.status(`plugin settings for ${Object.keys(params.pluginSettings).join(', ')}`);
      }
      return { status: 'succeeded', exitCode: 0, data: { applied } };
    },
  };
}
