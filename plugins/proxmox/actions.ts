import { randomUUID } from 'node:crypto';
import { type CorePluginContext, isPluginError, type JsonSchema, PluginError } from '../sdk/index.js';
import type { Inventory } from './inventory.js';

export type ActionScope = 'node' | 'cluster' | 'tag';
export type GuestKind = 'lxc' | 'qemu' | 'node';

export interface ActionRequest {
  scope: ActionScope;
  /** The endpoint (cluster); required for node and cluster, narrows a tag. */
  endpoint?: string;
  /** The node's name, or the tag; unused for a cluster. */
  target?: string;
  /** A command type plugins may issue: scan, dry_run, reboot. */
  type: string;
  /** Which hosts: guests of either type by default; `node` adds the Proxmox hosts themselves. */
  kinds?: GuestKind[];
}

export interface ActionMember {
  agentId: string;
  commandId: string | null;
  status: string;
  error: string | null;
}

export interface ActionReport {
  id: string;
  scope: ActionScope;
  target: string;
  type: string;
  createdBy: string;
  createdAt: string;
  /** Commands per status, and whether every one reached a final status. */
  progress: { total: number; finished: number; byStatus: Record<string, number>; done: boolean };
  members: ActionMember[];
}

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
    type: { enum: ['scan', 'dry_run', 'reboot'] },
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
 * the core's normal queue, recorded as one group whose progress is read from the commands.
 */
export function createActions(ctx: CorePluginContext, store: Inventory) {
  const { database: db } = ctx;

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
    const rows = await db.query<{ agent_id: string; command_id: string | null; error: string | null }>(
      'select agent_id, command_id, error from proxmox_action_commands where action_id = ? order by agent_id',
      [id],
    );
    const list: ActionMember[] = await Promise.all(
      rows.map(async (r) => {
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
    const finished = list.filter((m) => !ACTIVE.has(m.status)).length;
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
  function announce(r: ActionReport): void {
    ctx.bus.emitProgress('action', r.id, { scope: r.scope, target: r.target, type: r.type, ...r.progress });
  }

  return {
    members,
    report,
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
      ctx.logger.info(`action ${request.type} on ${request.scope} ${target}: ${agents.length} hosts`, {
        action: id,
      });
      const created = (await report(id))!;
      announce(created);
      return created;
    },
  };
}
