import type { Dispatcher } from '../commands/index.js';
import type { Command, Database } from '../db/index.js';

/** The settings table's keys for plugins: never served by GET /api/v1/settings (it lists known keys only). */
export const PLUGIN_SETTINGS_KEY_PREFIX = 'plugin-settings:';

/** A set_config that never reached the agent; one it refused (failed) is not sent again unchanged. */
const NOT_DELIVERED = new Set<Command['status']>(['cancelled', 'timed_out']);

interface Capability {
  name?: unknown;
}

/**
 * Fleet-wide plugin settings reach the agents that reported the plugin when they were saved;
 * a host that reports it later (enrolled afterwards, or the plugin enabled there since) gets them
 * at its next hello: one signed `set_config` with every plugin whose stored settings it has not
 * been sent since they last changed. Returns the command issued, or null when it is up to date.
 */
export async function catchUpPluginSettings(
  ctx: { db: Database; dispatcher: Pick<Dispatcher, 'issue'> },
  agentId: string,
  capabilities: readonly Capability[],
): Promise<Command | null> {
  const names = [
    ...new Set(capabilities.map((c) => c?.name).filter((n): n is string => typeof n === 'string')),
  ];
  if (names.length === 0) return null;
  const stored = await ctx.db.settings.some(names.map((n) => PLUGIN_SETTINGS_KEY_PREFIX + n));
  if (stored.length === 0) return null;
  const since = new Date(Math.min(...stored.map((s) => s.updatedAt.getTime())));
  const sent = (
    await ctx.db.commands.page({ agentId, types: ['set_config'], since, limit: 200 })
  ).items.filter((c) => !NOT_DELIVERED.has(c.status));
  const missing = stored.filter((s) => {
    const plugin = s.key.slice(PLUGIN_SETTINGS_KEY_PREFIX.length);
    return !sent.some(
      (c) =>
        c.createdAt >= s.updatedAt &&
        Object.hasOwn((c.params.pluginSettings as object | undefined) ?? {}, plugin),
    );
  });
  if (missing.length === 0) return null;
  const { command } = await ctx.dispatcher.issue({
    agentId,
    type: 'set_config',
    params: {
      pluginSettings: Object.fromEntries(
        missing.map((s) => [s.key.slice(PLUGIN_SETTINGS_KEY_PREFIX.length), s.value]),
      ),
    },
    source: 'policy',
    createdBy: null,
  });
  return command;
}
