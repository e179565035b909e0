/** The plugins: the agents' plugin settings and the core's own plugins. */
import type { Command } from './commands.js';

/** GET /api/v1/plugin-settings: one plugin the agents report, with its fleet-wide settings. */
export interface PluginSettingsEntry {
  plugin: string;
  kinds: string[];
  /** Active agents that report it. */
  hosts: number;
  settings: Record<string, unknown>;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** GET /api/v1/plugins: one of the core's integration and notifier plugins (issue 22 §4). */
export interface CorePlugin {
  name: string;
  kind: 'integration' | 'notifier' | null;
  version: string | null;
  state: 'active' | 'refused' | 'failed' | 'disabled' | 'stopped';
  lastError: string | null;
}

/** PUT /api/v1/plugin-settings/{plugin}: the entry, and the set_config commands it issued. */
export interface ChangedPluginSettings extends PluginSettingsEntry {
  commands: Command[];
}
