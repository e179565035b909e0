import type { FastifyInstance } from 'fastify';
import { type Dispatcher, unlessAgentInactive } from '../../commands/index.js';
import type { Agent, Database } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import { PLUGIN_SETTINGS_KEY_PREFIX } from '../../policy/index.js';
import '../access.js';
import { authErrors, errorRef } from '../schemas.js';
import { commandSchema } from './commands.js';

/** As the agent's set_config accepts plugin names (agent/executor/handlers/set-config.ts). */
const PLUGIN_NAME = '^[a-z][a-z0-9-]{0,63}$';

const settingsObject = {
  type: 'object',
  additionalProperties: true,
  maxProperties: 100,
  description: "The plugin's settings; each agent validates them with the plugin's own config schema",
} as const;

export const pluginEntry = {
  type: 'object',
  required: ['plugin', 'kinds', 'hosts', 'settings', 'updatedBy', 'updatedAt'],
  properties: {
    plugin: { type: 'string' },
    kinds: { type: 'array', items: { type: 'string' }, description: 'As the agents report the plugin' },
    hosts: { type: 'integer', description: 'Active agents that report this plugin' },
    settings: settingsObject,
    updatedBy: { type: ['string', 'null'] },
    updatedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

interface Capability {
  name?: unknown;
  kind?: unknown;
}

/** Active agents that report `plugin` in their hello. */
function reporting(agents: Agent[], plugin: string): Agent[] {
  return agents.filter(
    (a) => a.status === 'active' && (a.capabilities as Capability[]).some((c) => c && c.name === plugin),
  );
}

/**
 * GET /api/v1/plugin-settings and PUT /api/v1/plugin-settings/{plugin} (issue 9 §1 "plugin
 * settings"): the fleet-wide settings of each plugin the agents report. They reach package
 * managers (apt's `aptOptions` can name a program), so they are for admins and travel only in a
 * signed `set_config` command (docs/protocol.md); the core keeps the last ones given.
 */
export async function pluginSettingsRoutes(
  app: FastifyInstance,
  opts: { db: Database; dispatcher: Dispatcher; events: EventRecorder },
) {
  async function entries(agents: Agent[]) {
    const kinds = new Map<string, Set<string>>();
    for (const a of agents)
      if (a.status === 'active')
        for (const c of a.capabilities as Capability[])
          if (c && typeof c.name === 'string') {
            const set = kinds.get(c.name) ?? new Set<string>();
            if (typeof c.kind === 'string') set.add(c.kind);
            kinds.set(c.name, set);
          }
    const all = await opts.db.settings.all();
    const storedNames = Object.keys(all)
      .filter((k) => k.startsWith(PLUGIN_SETTINGS_KEY_PREFIX))
      .map((k) => k.slice(PLUGIN_SETTINGS_KEY_PREFIX.length));
    const names = [...new Set([...kinds.keys(), ...storedNames])].sort();
    const stored = new Map(
      (await opts.db.settings.some(names.map((n) => PLUGIN_SETTINGS_KEY_PREFIX + n))).map((s) => [
        s.key.slice(PLUGIN_SETTINGS_KEY_PREFIX.length),
        s,
      ]),
    );
    return names.map((plugin) => {
      const s = stored.get(plugin);
      return {
        plugin,
        kinds: [...(kinds.get(plugin) ?? [])].sort(),
        hosts: reporting(agents, plugin).length,
        settings: (s?.value as Record<string, unknown> | undefined) ?? {},
        updatedBy: s?.updatedBy ?? null,
        updatedAt: s ? s.updatedAt.toISOString() : null,
      };
    });
  }

  app.get(
    '/api/v1/plugin-settings',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: 'Every plugin the agents report (or that has settings), with its fleet-wide settings',
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: pluginEntry } },
          },
          ...authErrors,
        },
      },
    },
    async () => ({ items: await entries(await opts.db.agents.list()) }),
  );

  app.put<{ Params: { plugin: string }; Body: { settings: Record<string, unknown> } }>(
    '/api/v1/plugin-settings/:plugin',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'],
        summary: "Replace a plugin's settings and send them to every active agent that reports it",
        description:
          'Stored, then issued as a signed `set_config` with `pluginSettings: {<plugin>: settings}` to each ' +
          'active agent reporting the plugin (offline ones get it when they connect, within the command wait; ' +
          'hosts that report the plugin later, enrolled afterwards or with the plugin enabled since, at their next hello). ' +
          'The settings replace what the core sent before for that plugin; each agent lays them over its ' +
          "local config file's and validates them with the plugin's schema. `commands` are the issued ones.",
        params: {
          type: 'object',
          required: ['plugin'],
          properties: { plugin: { type: 'string', pattern: PLUGIN_NAME } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['settings'],
          properties: { settings: settingsObject },
        },
        response: {
          200: {
            type: 'object',
            required: ['plugin', 'settings', 'updatedBy', 'updatedAt', 'commands'],
            properties: {
              ...pluginEntry.properties,
              commands: { type: 'array', items: commandSchema },
            },
          },
          400: errorRef,
          ...authErrors,
        },
      },
    },
    async (request) => {
      const { plugin } = request.params;
      const { settings } = request.body;
      const by = request.caller!.name;
      await opts.db.settings.set(PLUGIN_SETTINGS_KEY_PREFIX + plugin, settings, by);
      const agents = await opts.db.agents.list();
      const targets = reporting(agents, plugin);
      const commands = [];
      for (const agent of targets) {
        // Revoked since the list was read: it gets nothing.
        const issued = await unlessAgentInactive(
          opts.dispatcher.issue({
            agentId: agent.id,
            type: 'set_config',
            params: { pluginSettings: { [plugin]: settings } },
            createdBy: by,
          }),
        );
        if (issued) commands.push(issued.command);
      }
      await opts.events.record({
        type: 'settings',
        subtype: 'plugin_settings_changed',
        severity: 'info',
        component: 'api',
        message: `settings of plugin ${plugin} changed by ${by}; sent to ${targets.length} host${targets.length === 1 ? '' : 's'}`,
        // The keys, not the values: viewers read the history.
        metadata: { plugin, keys: Object.keys(settings), by, commandIds: commands.map((c) => c.id) },
      });
      const entry = (await entries(agents)).find((e) => e.plugin === plugin)!;
      return { ...entry, commands };
    },
  );
}
