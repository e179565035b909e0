import type { Logger } from 'pino';
import type { ConfigMessage, ScanSchedule } from '../broker/protocol/index.js';
import type { RegisteredConfig } from './config/agent-config.js';
import { saveAgentConfig } from './config/config-file.js';
import type { AgentEvent } from './executor/executor.js';
import type { SettingsApplier } from './executor/handlers/index.js';
import { type CoreSettings, saveCoreSettings } from './state/core-settings.js';

export interface AgentSettingsContext {
  configPath: string;
  stateDir: string;
  config: RegisteredConfig;
  core: CoreSettings;
  /** Plugin settings changed: restart the plugins with these. */
  reloadPlugins(configs: Record<string, Record<string, unknown>>): Promise<void>;
  /** Schedules or plugins changed. */
  reschedule(): Promise<void>;
  report(event: AgentEvent): Promise<void>;
  logger: Logger;
}

/**
 * The agent's mutable settings and where each is persisted: trusted keys and reboot permission
 * in the config file (they are the host's own policy), schedules and the core's plugin settings
 * in the state directory (they are the core's wishes, kept across restarts while offline).
 */
export class AgentSettings implements SettingsApplier {
  private readonly log: Logger;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: AgentSettingsContext) {
    this.log = ctx.logger.child({ component: 'settings' });
  }

  get config(): RegisteredConfig {
    return this.ctx.config;
  }

  get core(): CoreSettings {
    return this.ctx.core;
  }

  /** Local settings with the core's (signed) ones over them, per plugin. */
  pluginConfigs(): Record<string, Record<string, unknown>> {
    const merged: Record<string, Record<string, unknown>> = {};
    for (const [name, local] of Object.entries(this.ctx.config.plugins)) merged[name] = { ...local };
    for (const [name, fromCore] of Object.entries(this.ctx.core.pluginSettings))
      merged[name] = { ...(merged[name] ?? {}), ...fromCore };
    return merged;
  }

  /**
   * A `config` message (unsigned): its schedules replace ours when its revision is newer than
   * the one applied; the same revision again (the core re-sends it on every connect) changes
   * nothing, so schedules a signed set_config changed since stay until the core's next revision.
   * Its plugin settings are not applied: they reach the package managers (apt's aptOptions can
   * name a program to run), so they must come signed.
   */
  applyConfigMessage(message: ConfigMessage): Promise<boolean> {
    return this.serialized(async () => {
      if (message.revision <= this.ctx.core.revision) {
        this.log.debug(
          { revision: message.revision, applied: this.ctx.core.revision },
          'config already applied',
        );
        return false;
      }
      this.ctx.core = {
        ...this.ctx.core,
        revision: message.revision,
        schedules: message.schedules,
        updatedAt: new Date().toISOString(),
      };
      await saveCoreSettings(this.ctx.stateDir, this.ctx.core);
      this.log.info({ revision: message.revision, schedules: message.schedules }, 'config applied');
      if (Object.keys(message.pluginSettings).length)
        await this.ctx.report({
          type: 'agent.config',
          subtype: 'plugin_settings_ignored',
          severity: 'warning',
          message: `config revision ${message.revision}: plugin settings for ${Object.keys(message.pluginSettings).join(', ')} were not applied; plugin settings are accepted only in a signed set_config command`,
          metadata: { revision: message.revision, plugins: Object.keys(message.pluginSettings) },
        });
      await this.ctx.reschedule();
      return true;
    });
  }

  applySchedules(schedules: Record<string, ScanSchedule>): Promise<void> {
    return this.serialized(async () => {
      this.ctx.core = {
        ...this.ctx.core,
        schedules: { ...this.ctx.core.schedules, ...schedules },
        updatedAt: new Date().toISOString(),
      };
      await saveCoreSettings(this.ctx.stateDir, this.ctx.core);
      await this.ctx.reschedule();
    });
  }

  updateServerKeys(add: Record<string, string>, remove: string[]): Promise<void> {
    return this.serialized(async () => {
      const keys = { ...this.ctx.config.serverKeys, ...add };
      for (const keyId of remove) delete keys[keyId];
      if (Object.keys(keys).length === 0) throw new Error('refusing to withdraw every trusted server key');
      await this.saveConfig({ ...this.ctx.config, serverKeys: keys });
      this.log.info({ keys: Object.keys(keys) }, 'trusted server keys changed');
    });
  }

  setRebootAllowed(allowed: boolean): Promise<void> {
    return this.serialized(() =>
      this.saveConfig({ ...this.ctx.config, reboot: { ...this.ctx.config.reboot, allowed } }),
    );
  }

  applyPluginSettings(settings: Record<string, Record<string, unknown>>): Promise<void> {
    return this.serialized(async () => {
      this.ctx.core = {
        ...this.ctx.core,
        pluginSettings: { ...this.ctx.core.pluginSettings, ...settings },
        updatedAt: new Date().toISOString(),
      };
      await saveCoreSettings(this.ctx.stateDir, this.ctx.core);
      await this.ctx.reloadPlugins(this.pluginConfigs());
      await this.ctx.reschedule();
    });
  }

  private async saveConfig(config: RegisteredConfig): Promise<void> {
    await saveAgentConfig(this.ctx.configPath, config);
    this.ctx.config = config;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }
}
