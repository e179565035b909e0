import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  CommandRequestError,
  type Dispatcher,
  type IssuableCommandType,
  ISSUABLE_COMMAND_TYPES,
  issueByPerson,
  paramsToIssue,
  refuseRole,
} from '../../commands/index.js';
import type { Command, Database } from '../../db/index.js';
import type { AgentBundleProvider, ServerKeyring } from '../../fleet/index.js';
import '../access.js';
import { hasRole } from '../auth/roles.js';
import { authErrors, errorRef, uuidParams } from '../schemas.js';
import { notFound } from '../errors.js';

export const commandSchema = {
  type: 'object',
  required: ['id', 'agentId', 'type', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    agentId: { type: 'string', format: 'uuid' },
    type: { type: 'string' },
    params: { type: 'object', additionalProperties: true },
    status: { type: 'string' },
    source: { type: 'string' },
    dedupKey: { type: ['string', 'null'] },
    retriedFromId: { type: ['string', 'null'] },
    attempt: { type: 'integer' },
    createdBy: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    sentAt: { type: ['string', 'null'], format: 'date-time' },
    acknowledgedAt: { type: ['string', 'null'], format: 'date-time' },
    runningAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    result: { type: ['object', 'null'], additionalProperties: true },
    error: { type: ['string', 'null'] },
  },
} as const;

interface IssueBody {
  agentId: string;
  type: IssuableCommandType;
  params?: Record<string, unknown>;
  ttlSeconds?: number;
}

/** A refused retry or cancel carries the command as it is now, so the panel can redraw its row. */
const commandRefused = async (reply: FastifyReply, err: unknown, db: Database, id: string) => {
  if (!(err instanceof CommandRequestError)) throw err;
  if (err.code === 'not_found')
    return reply.status(404).send({ error: { code: err.code, message: err.message } });
  const current = await db.commands.findById(id);
  return reply.status(409).send({
    error: {
      code: err.code,
      message: err.message,
      details: current ? { command: serialisable(current) } : {},
    },
  });
};

export interface CommandRoutesOptions {
  db: Database;
  dispatcher: Dispatcher;
  keys: ServerKeyring;
  /** The agent bundle update_agent sends; absent when the core serves none (tests of other routes). */
  bundles?: AgentBundleProvider;
}

export async function commandRoutes(app: FastifyInstance, opts: CommandRoutesOptions) {
  app.post<{ Body: IssueBody; Headers: { 'idempotency-key'?: string } }>(
    '/api/v1/commands',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['commands'],
        summary: 'Issue a command to an agent',
        description:
          'An `Idempotency-Key` header makes a retried request return the command the first one made. ' +
          'A scan of a plugin that already has one active answers 409 with that command in `details.command`. ' +
          'A type the agent does not run (its `hello` lists `commandTypes`; without the list, the v1 baseline, ' +
          'which has no `restart_container`) answers 409 `command_type_unsupported` with `details: { agentId, type, runs }`, ' +
          'and nothing is queued. ' +
          "`update_agent` takes only `{ connectTimeoutSeconds? }`: the core fills in its own agent bundle's version, URL, SHA-256, size and signature (400 for anything else).",
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['agentId', 'type'],
          properties: {
            agentId: { type: 'string', format: 'uuid' },
            type: { type: 'string', enum: [...ISSUABLE_COMMAND_TYPES] },
            params: { type: 'object', additionalProperties: true, default: {} },
            ttlSeconds: { type: 'integer', minimum: 10, maximum: 2_592_000 },
          },
        },
        response: {
          200: commandSchema,
          201: commandSchema,
          400: errorRef,
          404: errorRef,
          409: errorRef,
          503: errorRef,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      // Issue 22 §2: core/commands decides (role, params, dedup key); here only HTTP.
      const body = request.body;
      const caller = request.caller!;
      const idempotencyKey = request.headers['idempotency-key'] ?? null;
      const issued = await issueByPerson(opts, {
        agentId: body.agentId,
        type: body.type,
        params: body.params ?? {},
        ttlSeconds: body.ttlSeconds,
        caller: { name: caller.name, hasRole: (role) => hasRole(caller.role, role) },
        idempotencyKey,
      });
      if ('refused' in issued)
        return reply.status(issued.refused.status).send({ error: issued.refused.error });
      if ('noAgent' in issued) return reply.status(404).send(notFound('active agent', body.agentId));
      const { command, created } = issued;
      if (created) return reply.status(201).send(command);
      // The same request again (its Idempotency-Key): the same answer, not a conflict.
      if (idempotencyKey && command.idempotencyKey === idempotencyKey) return reply.status(200).send(command);
      return reply.status(409).send({
        error: {
          code: 'duplicate_command',
          message: `a ${command.type} command for this agent is already ${command.status}: ${command.id}`,
          details: { commandId: command.id, command: serialisable(command) },
        },
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/commands/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['commands'],
        summary: 'One command with its status and result',
        params: uuidParams,
        response: { 200: commandSchema, 404: errorRef, ...authErrors },
      },
    },
    async (request, reply) => {
      // Where the live stream said it is: the sent and acknowledged marks are written first.
      await opts.dispatcher.flushDeliveryMarks();
      const command = await opts.db.commands.findById(request.params.id);
      if (!command) return reply.status(404).send(notFound('command', request.params.id));
      return command;
    },
  );

  for (const action of ['retry', 'cancel'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/commands/:id/${action}`,
      {
        config: { access: 'operator' },
        schema: {
          tags: ['commands'],
          summary:
            action === 'retry'
              ? 'Issue a finished command again (a new command linked by retriedFromId)'
              : 'Cancel a command: withdraw it, or ask the agent running it to stop it',
          description:
            action === 'retry'
              ? '201 with the new command. 409 `not_retryable` (still active or succeeded) or `duplicate_command` ' +
                '(the same work is active again) with the current command in `details.command`. ' +
                'Retrying `update_agent` or `set_config` needs the admin role; `update_agent` is retried with the bundle the core serves now.'
              : '200 with the cancelled command when the agent had not acknowledged it. 202 `{ command, cancel }` ' +
                'when the agent runs it: `cancel` is the `cancel` command sent to the agent, and the agent decides: ' +
                'the command ends `cancelled`, or, for an install already changing the system, the cancel command ' +
                'fails with `cannot stop safely` and the install runs to its end. 409 `not_cancellable` (finished) ' +
                'with the command as it is now in `details.command`.',
          params: uuidParams,
          response: {
            [action === 'retry' ? 201 : 200]: commandSchema,
            ...(action === 'cancel'
              ? {
                  202: {
                    type: 'object',
                    required: ['command', 'cancel'],
                    properties: { command: commandSchema, cancel: commandSchema },
                  },
                }
              : {}),
            404: errorRef,
            409: errorRef,
            ...(action === 'retry' ? { 503: errorRef } : {}),
            ...authErrors,
          },
        },
      },
      async (request, reply) => {
        const id = request.params.id;
        try {
          const by = request.caller!.name;
          if (action === 'cancel') {
            const { command, cancel } = await opts.dispatcher.cancel(id, by);
            // issue 21 §6: a running command is the agent's to stop; its answer comes later.
            return cancel ? reply.status(202).send({ command, cancel }) : command;
          }
          const previous = await opts.db.commands.findById(id);
          // A retry issues the command again: the same role as issuing it.
          const forbidden =
            previous &&
            refuseRole(previous.type, { name: by, hasRole: (role) => hasRole(request.caller!.role, role) });
          if (forbidden) return reply.status(forbidden.status).send({ error: forbidden.error });
          // An update is retried with the bundle the core serves now (the old one is gone from its URL).
          let params: Record<string, unknown> | undefined;
          if (previous?.type === 'update_agent') {
            const { connectTimeoutSeconds } = previous.params as { connectTimeoutSeconds?: number };
            const outcome = await paramsToIssue(
              'update_agent',
              connectTimeoutSeconds === undefined ? {} : { connectTimeoutSeconds },
              opts,
            );
            if (!('params' in outcome)) return reply.status(outcome.status).send({ error: outcome.error });
            params = outcome.params;
          }
          const retried = await opts.dispatcher.retry(id, by, params);
          // The same work is already active (issued again since): that one, not a new attempt.
          if (retried.retriedFromId !== id)
            return reply.status(409).send({
              error: {
                code: 'duplicate_command',
                message: `a ${retried.type} command for this agent is already ${retried.status}: ${retried.id}`,
                details: { commandId: retried.id, command: serialisable(retried) },
              },
            });
          return reply.status(201).send(retried);
        } catch (err) {
          return commandRefused(reply, err, opts.db, id);
        }
      },
    );
  }
}

/** `details` has no schema, so dates are turned into strings here. */
function serialisable(command: Command): Record<string, unknown> {
  return JSON.parse(JSON.stringify(command)) as Record<string, unknown>;
}
