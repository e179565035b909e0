import type { CommandType } from '../../broker/protocol/index.js';
import {
  type CommandIssuer,
  type FleetCommand,
  type FleetReader,
  PluginError,
} from '../../plugins/sdk/index.js';
import { checkParams, CommandRequestError, type Dispatcher } from '../commands/index.js';
import type { Agent, Command, Database, PackageState } from '../db/index.js';

/**
 * What integration plugins may ask hosts to do. Installs go through approval (their dry run
 * first); changing an agent's config or the agent itself is for admins, not plugins.
 */
export const PLUGIN_COMMAND_TYPES: readonly CommandType[] = [
  'scan',
  'dry_run',
  'reboot',
  'restart_container',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const agentView = (a: Agent) => ({
  id: a.id,
  hostname: a.hostname,
  os: a.os,
  arch: a.arch,
  agentVersion: a.agentVersion,
  status: a.status,
  online: a.online,
  labels: [...a.labels],
  rebootRequired: a.rebootRequired,
  lastSeenAt: a.lastSeenAt?.toISOString() ?? null,
});

const packageView = (p: PackageState) => ({
  agentId: p.agentId,
  plugin: p.plugin,
  name: p.name,
  arch: p.arch,
  currentVersion: p.currentVersion,
  availableVersion: p.availableVersion,
  severity: p.severity,
  security: p.security,
  status: p.status,
  statusChangedAt: p.statusChangedAt.toISOString(),
});

export const commandView = (c: Command): FleetCommand => ({
  id: c.id,
  agentId: c.agentId,
  type: c.type,
  status: c.status,
  source: c.source,
  createdBy: c.createdBy,
  params: structuredClone(c.params),
  result: c.result ? structuredClone(c.result) : null,
  error: c.error,
  createdAt: c.createdAt.toISOString(),
  finishedAt: c.finishedAt?.toISOString() ?? null,
});

/** The narrow read facade over agents, package states and commands (issue 22 §4): plain copies, no rows. */
export function fleetReader(db: Database): FleetReader {
  return {
    agents: async () => (await db.agents.list()).map(agentView),
    agent: async (id) => {
      const agent = await db.agents.findById(id);
      return agent ? agentView(agent) : null;
    },
    packages: async (agentId) =>
      UUID.test(agentId)
        ? (await db.packages.listForAgent(agentId, { includeClosed: true })).map(packageView)
        : [],
    command: async (id) => {
      const command = await db.commands.findById(id);
      return command ? commandView(command) : null;
    },
  };
}

/** Commands through the normal queue, with source `integration` and `plugin:<name>` as creator. */
export function commandIssuer(plugin: string, dispatcher: Pick<Dispatcher, 'issue'>): CommandIssuer {
  return {
    async issue(request) {
      const type = request.type as CommandType;
      if (!PLUGIN_COMMAND_TYPES.includes(type))
        throw new PluginError(
          `plugins may issue ${PLUGIN_COMMAND_TYPES.join(', ')} commands, not ${request.type}`,
          { code: 'command_type_refused' },
        );
      // The same check as POST /api/v1/commands (issue 22 §1): nothing stored or signed.
      const refused = checkParams(type, request.params ?? {});
      if (refused) throw new PluginError(refused.error.message, { code: refused.error.code });
      try {
        const { command } = await dispatcher.issue({
          agentId: request.agentId,
          type,
          params: structuredClone(request.params ?? {}),
          source: 'integration',
          createdBy: `plugin:${plugin}`,
          dedupKey: request.dedupKey ?? null,
        });
        return commandView(command);
      } catch (err) {
        if (err instanceof CommandRequestError) throw new PluginError(err.message, { code: err.code });
        throw err;
      }
    },
  };
}
