import { COMMAND_TYPES, type CommandType } from '../../broker/protocol/index.js';
import { CommandRequestError, type Dispatcher, unlessAgentInactive } from '../commands/index.js';
import {
  allowAgentRebind,
  createToken,
  type ManageContext,
  type RebindResult,
  RebindRefused,
  revokeAgent,
  revokeToken,
  rotateServerKey,
  TokenRequestError,
} from '../fleet/index.js';
import {
  AccountRequestError,
  addUser,
  changeUser,
  createApiToken,
  revokeApiToken,
  setUserPassword,
} from './auth/accounts.js';

export interface AdminContext extends ManageContext {
  dispatcher: Dispatcher;
}

/** A management request that cannot be done; `status` is the HTTP status on the socket. */
export class AdminOperationError extends Error {
  override name = 'AdminOperationError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminOperation {
  method: 'GET' | 'POST';
  path: string;
  run(
    ctx: AdminContext,
    input: { params: Record<string, string>; body: Record<string, unknown>; by: string },
  ): Promise<unknown>;
}

/** The rebind's answer, the same on the API and the admin socket. */
export function rebindAnswer(agentId: string, rebound: RebindResult) {
  return {
    agentId,
    rebindAllowedUntil: rebound.until.toISOString(),
    machine: rebound.machine,
    conflictLifted: rebound.liftedConflict !== null,
  };
}

const notFound = (what: string, id: string) => new AdminOperationError(404, `no ${what} with id ${id}`);

/** Account refusals keep their status on the socket and their message on the command line. */
async function accounts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AccountRequestError) throw new AdminOperationError(err.status, err.message);
    throw err;
  }
}

/**
 * Every management operation, once: served on the admin socket by a running core, and called
 * directly by the command line when no core runs (PGlite allows one process).
 */
export const adminOperations = {
  tokenCreate: {
    method: 'POST',
    path: '/v1/tokens',
    async run(ctx, { body, by }) {
      try {
        const created = await createToken(ctx, {
          label: String(body.label ?? ''),
          seats: Number(body.seats),
          expires: String(body.expires ?? ''),
          createdBy: by,
        });
        return { token: created.token, install: created.install, ...created.registrationToken };
      } catch (err) {
        if (err instanceof TokenRequestError) throw new AdminOperationError(400, err.message);
        throw err;
      }
    },
  },
  tokenList: {
    method: 'GET',
    path: '/v1/tokens',
    run: (ctx) => ctx.db.registration.listTokens(),
  },
  tokenRevoke: {
    method: 'POST',
    path: '/v1/tokens/:id/revoke',
    async run(ctx, { params, by }) {
      if (!(await revokeToken(ctx, params.id!, by)))
        throw notFound('unrevoked registration token', params.id!);
      return { revoked: params.id };
    },
  },
  agentList: {
    method: 'GET',
    path: '/v1/agents',
    async run(ctx) {
      return (await ctx.db.agents.list()).map(
        ({ publicKey: _key, machineIdHash: _machine, ...agent }) => agent,
      );
    },
  },
  agentRevoke: {
    method: 'POST',
    path: '/v1/agents/:id/revoke',
    async run(ctx, { params, by }) {
      if (!(await revokeAgent(ctx, params.id!, by))) throw notFound('active agent', params.id!);
      return { revoked: params.id };
    },
  },
  agentRebind: {
    method: 'POST',
    path: '/v1/agents/:id/rebind',
    async run(ctx, { params, body, by }) {
      const hours = body.hours === undefined ? 24 : Number(body.hours);
      if (!Number.isInteger(hours) || hours < 1 || hours > 720)
        throw new AdminOperationError(
          400,
          `hours must be an integer from 1 to 720, got ${String(body.hours)}`,
        );
      const machineIdHash = body.machineIdHash === undefined ? undefined : String(body.machineIdHash);
      if (machineIdHash !== undefined && !/^[0-9a-f]{64}$/.test(machineIdHash))
        throw new AdminOperationError(400, 'machineIdHash must be 64 lowercase hex characters (SHA-256)');
      try {
        const rebound = await allowAgentRebind(ctx, params.id!, hours, by, machineIdHash);
        if (!rebound) throw notFound('active agent', params.id!);
        return rebindAnswer(params.id!, rebound);
      } catch (err) {
        if (err instanceof RebindRefused) throw new AdminOperationError(409, err.message);
        throw err;
      }
    },
  },
  keyList: {
    method: 'GET',
    path: '/v1/keys',
    run: async (ctx) => ctx.keys.describe(),
  },
  keyRotate: {
    method: 'POST',
    path: '/v1/keys/rotate',
    run: (ctx, { by }) => rotateServerKey(ctx, by),
  },
  commandIssue: {
    method: 'POST',
    path: '/v1/agents/:id/commands',
    async run(ctx, { params, body, by }) {
      const type = String(body.type ?? '');
      if (!(COMMAND_TYPES as readonly string[]).includes(type))
        throw new AdminOperationError(400, `type must be one of ${COMMAND_TYPES.join(', ')}, got "${type}"`);
      // Its params are the core's own bundle (core/fleet agentUpdateParams), never a caller's.
      if (type === 'update_agent')
        throw new AdminOperationError(
          400,
          "update_agent carries the core's agent bundle: issue it with POST /api/v1/agents/{id}/update",
        );
      const ttl = body.ttlSeconds === undefined ? undefined : Number(body.ttlSeconds);
      // The insert itself checks that the agent is active and runs the type (issue 21 §7).
      const issued = await unlessAgentInactive(
        ctx.dispatcher.issue({
          agentId: params.id!,
          type: type as CommandType,
          params: (body.params as Record<string, unknown>) ?? {},
          ttlSeconds: ttl,
          createdBy: by,
        }),
      ).catch((err: unknown) => {
        if (err instanceof CommandRequestError && err.code === 'command_type_unsupported')
          throw new AdminOperationError(409, err.message);
        throw err;
      });
      if (!issued) throw notFound('active agent', params.id!);
      return issued.command;
    },
  },
  userAdd: {
    method: 'POST',
    path: '/v1/users',
    run: (ctx, { body, by }) => accounts(() => addUser(ctx, body as Parameters<typeof addUser>[1], by)),
  },
  userPasswd: {
    method: 'POST',
    path: '/v1/users/password',
    async run(ctx, { body, by }) {
      const user = await accounts(() =>
        setUserPassword(ctx, { username: body.username, password: body.password }, by),
      );
      return { username: user.username, passwordChanged: true };
    },
  },
  userUpdate: {
    method: 'POST',
    path: '/v1/users/update',
    run: (ctx, { body, by }) =>
      accounts(() =>
        changeUser(ctx, { username: body.username }, { role: body.role, disabled: body.disabled }, by),
      ),
  },
  userList: {
    method: 'GET',
    path: '/v1/users',
    run: (ctx) => ctx.db.users.list(),
  },
  apiTokenCreate: {
    method: 'POST',
    path: '/v1/api-tokens',
    async run(ctx, { body, by }) {
      const { token, apiToken } = await accounts(() =>
        createApiToken(ctx, { name: body.name, role: body.role }, by),
      );
      return { token, ...apiToken };
    },
  },
  apiTokenList: {
    method: 'GET',
    path: '/v1/api-tokens',
    run: (ctx) => ctx.db.apiTokens.list(),
  },
  apiTokenRevoke: {
    method: 'POST',
    path: '/v1/api-tokens/:id/revoke',
    async run(ctx, { params, by }) {
      await accounts(() => revokeApiToken(ctx, params.id!, by));
      return { revoked: params.id };
    },
  },
} satisfies Record<string, AdminOperation>;

export type AdminOperationName = keyof typeof adminOperations;
