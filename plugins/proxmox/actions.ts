import { randomUUID } from 'node:crypto';
import { type CorePluginContext, isPluginError, type JsonSchema, PluginError } from '../sdk/index.js';
import type {
  ProxmoxActionMember as ActionMember,
  ProxmoxActionReport as ActionReport,
  ProxmoxActionRequest as ActionRequest,
  ProxmoxActionScope as ActionScope,
} from '../../broker/protocol/api-types.js';
import { type ApprovedRef, createInstallAction, INSTALL_ACTIVE } from './install-action.js';
import type { Inventory } from './inventory.js';

export type {
  ProxmoxActionMember as ActionMember,
  ProxmoxActionReport as ActionReport,
  ProxmoxActionRequest as ActionRequest,
} from '../../broker/protocol/api-types.js';

/** broker/protocol's ACTIVE_COMMAND_STATUSES (a plugin imports only its types): anything else is final. */
const ACTIVE = new Set(['pending', 'sent', 'acknowledged', 'running']);

export const actionBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'type'],
  properties: {
    scope: { enum: ['node', 'cluster', 'tag'] },
    endpoint: { type: 'string', minLength: 1, maxLength: 64 },
    target: { type: 'string', minLength: 1, maxLength: 255 },
    type: { enum: ['scan', 'dry_run', 'reboot', 'install'] },
    securityOnly: { type: 'boolean' },
    kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['lxc', 'qemu', 'node'] } },
  },
};

const memberSchema: JsonSchema = {
  type: 'object',
  required: ['agentId', 'commandId', 'status', 'error'],
  properties: {
    agentId: { type: 'string' },
    commandId: { type: ['string', 'null'] },
    status: { type: 'string' },
    error: { type: ['string', 'null'] },
    packages: { type: 'integer' },
  },
};

export const actionReportSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'scope', 'target', 'type', 'progress', 'members'],
  properties: {
    id: { type: 'string' },
    scope: { type: 'string' },
    target: { type: 'string' },
    type: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    progress: {
      type: 'object',
      required: ['total', 'finished', 'byStatus', 'done'],
      properties: {
        total: { type: 'integer' },
        finished: { type: 'integer' },
        byStatus: { type: 'object', additionalProperties: { type: 'integer' } },
        done: { type: 'boolean' },
      },
    },
    members: { type: 'array', items: memberSchema },
  },
};

/**
 * Actions on a node, a cluster or a tag (issue 23 §4): one command per matched agent through
 * the core's normal queue, recorded as one group whose progress is read from the commands; an
 * install approves each host's pending updates through the install workflow instead
 * (install-action.ts), its progress read from where those updates stand.
 */
export function createActions(ctx: CorePluginContext, store: Inventory) {
  const { database: db } = ctx;
  const installs = createInstallAction(ctx);

  async function members(request: ActionRequest): Promise<string[]> {
    const kinds = new Set(request.kinds ?? ['lxc', 'qemu']);
    const [guests, nodes] = await Promise.all([store.guests(), store.nodes()]);
    const inScope = (endpoint: string, node: string, tags: string[]) => {
      if (request.endpoint && endpoint !== request.endpoint) return false;
      if (request.scope === 'node') return node === request.target;
      if (request.scope === 'tag') return tags.includes(request.target!.toLowerCase());
      return true;
    };
    const ids = new Set<string>();
    for (const g of guests)
      if (g.agentId && !g.goneAt && !g.template && kinds.has(g.type) && inScope(g.endpoint, g.node, g.tags))
        ids.add(g.agentId);
    if (kinds.has('node') && request.scope !== 'tag')
      for (const n of nodes)
        if (n.agentId && !n.goneAt && inScope(n.endpoint, n.name, [])) ids.add(n.agentId);
    return [...ids].sort();
  }

  async function report(id: string): Promise<ActionReport | null> {
    const [action] = await db.query('select * from proxmox_actions where id = ?', [id]);
    if (!action) return null;
    const install = action.type === 'install';
    const rows = await db.query<{
      agent_id: string;
      command_id: string | null;
      error: string | null;
      packages: ApprovedRef[] | null;
    }>(
      `select agent_id, command_id, error, packages from proxmox_action_commands
        where action_id = ? order by agent_id`,
      [id],
    );
    const list: ActionMember[] = await Promise.all(
      rows.map(async (r): Promise<ActionMember> => {
        if (install) {
          const refs = r.packages ?? [];
          const status =
            r.error && refs.length === 0 ? 'not_queued' : await installs.status(r.agent_id, refs);
          return { agentId: r.agent_id, commandId: null, status, error: r.error, packages: refs.length };
        }
        const command = r.command_id ? await ctx.fleet.command(r.command_id) : null;
        return {
          agentId: r.agent_id,
          commandId: r.command_id,
          status: command?.status ?? 'not_queued',
          error: r.error ?? command?.error ?? null,
        };
      }),
    );
    const byStatus: Record<string, number> = {};
    for (const m of list) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
    const active = install ? INSTALL_ACTIVE : ACTIVE;
    const finished = list.filter((m) => !active.has(m.status)).length;
    return {
      id,
      scope: action.scope as ActionScope,
      target: String(action.target),
      type: String(action.type),
      createdBy: String(action.created_by),
      createdAt: new Date(action.created_at as string).toISOString(),
      progress: { total: list.length, finished, byStatus, done: finished === list.length },
      members: list,
    };
  }

  /** The group's progress on the live stream (`plugin.progress`, subject `action`). */
  const announced = new Map<string, string>();
  function announce(r: ActionReport): void {
    announced.delete(r.id); // re-inserted last: the oldest go first past the bound
    announced.set(r.id, JSON.stringify(r.progress));
    if (announced.size > 1000) announced.delete(announced.keys().next().value!);
    ctx.bus.emitProgress('action', r.id, { scope: r.scope, target: r.target, type: r.type, ...r.progress });
  }

  return {
    members,
    report,
    /** A host's updates moved in the workflow: its unfinished install groups tell the live stream. */
    async packagesMoved(agentId: string): Promise<void> {
      const groups = await db.query<{ action_id: string }>(
        `select c.action_id from proxmox_action_commands c join proxmox_actions a on a.id = c.action_id
          where c.agent_id = ? and a.type = 'install' and a.created_at > now() - interval '7 days'`,
        [agentId],
      );
      for (const { action_id } of groups) {
        const r = await report(action_id);
        // Every package move of the host comes here: only a change of the group's progress is news.
        if (r && announced.get(r.id) !== JSON.stringify(r.progress)) announce(r);
      }
    },
    /** A command changed status: the groups it belongs to tell the live stream. */
    async commandChanged(commandId: string): Promise<void> {
      const groups = await db.query<{ action_id: string }>(
        'select action_id from proxmox_action_commands where command_id = ?',
        [commandId],
      );
      for (const { action_id } of groups) {
        const r = await report(action_id);
        if (r) announce(r);
      }
    },
    async start(request: ActionRequest, caller: string): Promise<ActionReport> {
      if (request.scope !== 'tag' && !request.endpoint)
        throw new PluginError(`an action on a ${request.scope} names its endpoint`, {
          code: 'invalid_request',
        });
      if (request.scope !== 'cluster' && !request.target)
        throw new PluginError(`an action on a ${request.scope} names its target`, {
          code: 'invalid_request',
        });
      const agents = await members(request);
      const id = randomUUID();
      const target =
        request.scope === 'cluster' ? request.endpoint! : `${request.endpoint ?? '*'}/${request.target}`;
      await db.query(
        'insert into proxmox_actions (id, scope, target, type, created_by) values (?, ?, ?, ?, ?)',
        [id, request.scope, target, request.type, caller],
      );
      for (const agentId of agents) {
        if (request.type === 'install') {
          const { approved, error } = await installs.approve(agentId, request.securityOnly === true, caller);
          await db.query(
            `insert into proxmox_action_commands (action_id, agent_id, command_id, error, packages)
             values (?, ?, null, ?, ?::jsonb)`,
            [id, agentId, error, JSON.stringify(approved)],
          );
          continue;
        }
        let commandId: string | null = null;
        let error: string | null = null;
        try {
          commandId = (await ctx.commands.issue({ agentId, type: request.type, params: {} })).id;
        } catch (err) {
          if (!isPluginError(err)) throw err;
          error = err.message;
        }
        await db.query(
          'insert into proxmox_action_commands (action_id, agent_id, command_id, error) values (?, ?, ?, ?)',
          [id, agentId, commandId, error],
        );
      }
      if (request.type === 'install') {
        const [row] = await db.query<{ count: number }>(
          `select coalesce(sum(jsonb_array_length(packages)), 0)::int as count
             from proxmox_action_commands where action_id = ?`,
          [id],
        );
        const count = row?.count ?? 0;
        await ctx.events.record({
          subtype: 'proxmox_install_requested',
          severity: 'info',
          message:
            `${caller} asked to install the pending ${request.securityOnly ? 'security ' : ''}updates ` +
            `of ${request.scope} ${target}: ${count} approved on ${agents.length} host(s)`,
          metadata: { action: id, requestedBy: caller, scope: request.scope, target, approved: count },
        });
      }
      ctx.logger.info(`action ${request.type} on ${request.scope} ${target}: ${agents.length} hosts`, {
        action: id,
      });
      const created = (await report(id))!;
      announce(created);
      return created;
    },
  };
}
