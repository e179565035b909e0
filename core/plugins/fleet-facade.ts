import type { CommandType } from '../../broker/protocol/index.js';
import {
  type AgentMetadataWriter,
  type CommandIssuer,
  type ContainerReader,
  type FleetCommand,
  type FleetReader,
  PluginError,
  type RegistrationTokens,
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
  macAddresses: a.macAddresses.map((m) => m.toLowerCase()),
  address: connectionAddress(a.metadata),
  metadata: structuredClone(a.metadata),
});

/** `metadata.connection.address`, kept by the broker's connect (core/agent-connections.ts). */
function connectionAddress(metadata: Record<string, unknown>): string | null {
  const connection = metadata.connection as { address?: unknown } | undefined;
  return typeof connection?.address === 'string' ? connection.address : null;
}

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
  source: p.source,
  metadata: structuredClone(p.metadata),
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
    packages: async (agentId) => {
      // The whole fleet's closed states (updated, resolved) are its history, which grows with
      // every upgrade: held in memory at once they would cost a small box tens of MB.
      if (agentId === undefined) return (await db.packages.listForFleet()).map(packageView);
      return UUID.test(agentId)
        ? (await db.packages.listForAgent(agentId, { includeClosed: true })).map(packageView)
        : [];
    },
    command: async (id) => {
      const command = await db.commands.findById(id);
      return command ? commandView(command) : null;
    },
    pendingCounts: async () => Object.fromEntries(await db.fleet.pendingByAgent()),
  };
}

/** The container inventory, read-only (plugin API 1.2): an unknown or malformed id has none. */
export function containerReader(db: Database): ContainerReader {
  return {
    list: async (filter = {}) => {
      if (filter.agentId !== undefined && !UUID.test(filter.agentId)) return [];
      return db.containers.list(filter.agentId !== undefined ? { agentIds: [filter.agentId] } : {});
    },
  };
}

/** A plugin writes only its own key of agents' metadata, named after it (issue 23 §3). */
export function agentMetadataWriter(plugin: string, db: Database): AgentMetadataWriter {
  return {
    set: (agentId, value) =>
      db.agents.setMetadataKey(agentId, plugin, value === null ? null : structuredClone(value)),
    agentsWithValue: () => db.agents.withMetadataKey(plugin),
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

/** Fresh one-seat tokens for a plugin that installs agents (issue 23 §5), when the core wires them. */
export function registrationTokens(
  plugin: string,
  issue:
    | ((request: { label: string; createdBy: string }) => Promise<{ token: string; install: string }>)
    | undefined,
): RegistrationTokens {
  return {
    async createSingleSeat(label) {
      if (!issue)
        throw new PluginError('this core does not give plugins registration tokens', {
          code: 'enrollment_unavailable',
        });
      return issue({ label: label.slice(0, 200), createdBy: `plugin:${plugin}` });
    },
  };
}
