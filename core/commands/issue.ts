import { type CommandType, createValidatorAjv } from '../../broker/protocol/index.js';
import type { Command, Role } from '../db/index.js';
import { type AgentBundleProvider, agentUpdateParams, type ServerKeyring } from '../fleet/index.js';
import type { Dispatcher } from './dispatcher.js';
import { checkParams, type IssueRefusal } from './params.js';
import { unlessAgentInactive } from './requests.js';

/**
 * The issue path of a command asked for by a person (issue 22 §2): which types may be asked
 * for, the role each needs, the params each takes, the dedup key. The API route only
 * translates HTTP to this and back.
 */

/**
 * Installs go through approval (POST /api/v1/updates/approve) so they get their dry run; cancel
 * has its own route (`Dispatcher.cancel`).
 */
export const ISSUABLE_COMMAND_TYPES = [
  'scan',
  'dry_run',
  'reboot',
  'restart_container',
  'update_agent',
  'set_config',
] as const satisfies ReadonlyArray<CommandType>;
export type IssuableCommandType = (typeof ISSUABLE_COMMAND_TYPES)[number];

/** Changing the agent itself is for admins; the rest for operators. A retry needs the same role. */
export function roleToIssue(type: string): Role {
  return type === 'update_agent' || type === 'set_config' ? 'admin' : 'operator';
}

/** One active command per agent and kind of work: a second "scan apt now" finds the running one. */
export function dedupKeyOf(type: string, params: Record<string, unknown>): string | null {
  if (type === 'scan') return `scan:${typeof params.plugin === 'string' ? params.plugin : '*'}`;
  if (type === 'reboot' || type === 'update_agent') return type;
  return null;
}

/**
 * What a caller may say about an update_agent: the rest (version, URL, SHA-256, size, signature,
 * key) is the core's current bundle, as POST /api/v1/agents/:id/update fills it in, so no
 * caller can point an agent at a file of its choosing or an older signed release.
 */
const updateAgentRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { connectTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600 } },
} as const;

const validateUpdateAgentRequest = createValidatorAjv({ allErrors: true }).compile<{
  connectTimeoutSeconds?: number;
}>(updateAgentRequestSchema);

export interface IssueContext {
  dispatcher: Dispatcher;
  keys: ServerKeyring;
  /** The agent bundle update_agent sends; absent when the core serves none. */
  bundles?: AgentBundleProvider;
}

/** update_agent's params from the core's bundle; other types' params checked and kept as given. */
export async function paramsToIssue(
  type: string,
  given: Record<string, unknown>,
  ctx: Pick<IssueContext, 'keys' | 'bundles'>,
): Promise<{ params: Record<string, unknown> } | IssueRefusal> {
  if (type !== 'update_agent') {
    const refused = checkParams(type, given);
    return refused ?? { params: given };
  }
  if (!validateUpdateAgentRequest(given)) {
    const extra = (validateUpdateAgentRequest.errors ?? [])
      .map((e) => e.params.additionalProperty as string | undefined)
      .filter((name): name is string => typeof name === 'string');
    return {
      status: 400,
      error: {
        code: 'validation_failed',
        message: extra.length
          ? `update_agent params come from the core's agent bundle; only connectTimeoutSeconds may be given, not ${extra.join(', ')}`
          : `update_agent params: ${validateUpdateAgentRequest.errors!.map((e) => `${e.instancePath || 'params'} ${e.message}`).join('; ')}`,
        details: validateUpdateAgentRequest.errors,
      },
    };
  }
  if (!ctx.bundles)
    return {
      status: 503,
      error: {
        code: 'bundle_unavailable',
        message: 'this core serves no agent bundle to update agents with',
      },
    };
  try {
    const bundle = await ctx.bundles.ready();
    return {
      params: agentUpdateParams(
        bundle,
        ctx.keys,
        given.connectTimeoutSeconds as number | undefined,
      ) as unknown as Record<string, unknown>,
    };
  } catch (err) {
    return {
      status: 503,
      error: {
        code: 'bundle_unavailable',
        message: `the agent bundle could not be built: ${(err as Error).message}`,
      },
    };
  }
}

export interface IssueByPerson {
  agentId: string;
  type: IssuableCommandType;
  params: Record<string, unknown>;
  ttlSeconds?: number;
  /** Who asks; `hasRole` answers whether their role is at least the one given (core/api/auth). */
  caller: { name: string; hasRole(role: Role): boolean };
  idempotencyKey: string | null;
}

export type IssueOutcome =
  { refused: IssueRefusal } | { noAgent: true } | { command: Command; created: boolean };

/** The refusal when the caller may not issue (or retry) a command of `type`; null when they may. */
export function refuseRole(type: string, caller: IssueByPerson['caller']): IssueRefusal | null {
  const needed = roleToIssue(type);
  return caller.hasRole(needed)
    ? null
    : { status: 403, error: { code: 'forbidden', message: `${type} commands need the ${needed} role` } };
}

/**
 * A command a person asked for: role, params (checked, or update_agent's built), dedup key,
 * then the dispatcher's insert, which checks that the agent is active and runs the type.
 * Nothing is stored or signed when a check refuses.
 */
export async function issueByPerson(ctx: IssueContext, request: IssueByPerson): Promise<IssueOutcome> {
  const forbidden = refuseRole(request.type, request.caller);
  if (forbidden) return { refused: forbidden };
  const outcome = await paramsToIssue(request.type, request.params, ctx);
  if (!('params' in outcome)) return { refused: outcome };
  const issued = await unlessAgentInactive(
    ctx.dispatcher.issue({
      agentId: request.agentId,
      type: request.type,
      params: outcome.params,
      ttlSeconds: request.ttlSeconds,
      createdBy: request.caller.name,
      dedupKey: dedupKeyOf(request.type, request.params),
      idempotencyKey: request.idempotencyKey,
    }),
  );
  return issued ?? { noAgent: true };
}
