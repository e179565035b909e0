import { hashRegistrationToken, parseRegistrationToken } from '../../broker/protocol/index.js';
import type { RegistrationAnswer, RegistrationBody } from '../../broker/protocol/api-types.js';
import type { Database, RegistrationRefusal } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import type { ServerKeyring } from './server-keys.js';

export interface RegisterContext {
  db: Database;
  keys: ServerKeyring;
  events: EventRecorder;
  /** Broker URL for an agent that reached the core at `requestHost` (the Host header). */
  brokerUrlFor(requestHost: string | undefined): string;
  topicPrefix: string;
  /** Called after an agent registered or rebound, with the key it will connect with. */
  onRegistered?(agentId: string, publicKey: string): void;
}

/** What the agent sends, and what it gets back (broker/protocol/api, shared with the agent). */
export type RegisterBody = RegistrationBody;
export type RegisterSuccess = RegistrationAnswer;

/** Why a registration was refused, with the HTTP status and a sentence the agent prints. */
export class RegistrationRefused extends Error {
  override name = 'RegistrationRefused';
  constructor(
    readonly status: number,
    readonly code: RegistrationRefusal | 'invalid_token' | 'wrong_server',
    message: string,
  ) {
    super(message);
  }
}

const REFUSALS: Record<RegistrationRefusal, { status: number; message: string }> = {
  unknown_token: { status: 401, message: 'registration token not recognised by this server' },
  token_revoked: { status: 403, message: 'registration token has been revoked; ask the admin for a new one' },
  token_expired: { status: 403, message: 'registration token has expired; ask the admin for a new one' },
  token_exhausted: {
    status: 403,
    message: 'registration token has no seats left; ask the admin for a new one',
  },
  machine_already_enrolled: {
    status: 409,
    message:
      'this machine is already enrolled as another active agent (a clone?); an admin must revoke that agent ' +
      'or allow it to rebind before this machine can register',
  },
};

export async function registerAgent(
  ctx: RegisterContext,
  body: RegisterBody,
  meta: { remoteAddress: string | null; requestHost: string | undefined },
): Promise<RegisterSuccess> {
  const parsed = parseRegistrationToken(body.token);
  if ('error' in parsed)
    throw new RegistrationRefused(400, 'invalid_token', `malformed token: ${parsed.error}`);
  const known = ctx.keys.describe().some((k) => k.keyId === parsed.fingerprint);
  if (!known)
    throw new RegistrationRefused(
      400,
      'wrong_server',
      `this token was issued by another RedFlag server (key ${parsed.fingerprint}); this server's key is ${ctx.keys.active().keyId}`,
    );

  const outcome = await ctx.db.registration.register({
    tokenHash: hashRegistrationToken(body.token),
    publicKey: body.publicKey,
    machineIdHash: body.machineIdHash,
    hostname: body.hostname,
    os: body.os,
    arch: body.arch,
    agentVersion: body.agentVersion,
    macAddresses: body.macAddresses,
    remoteAddress: meta.remoteAddress,
  });

  if (!outcome.ok) {
    const refusal = REFUSALS[outcome.reason];
    const security = outcome.reason === 'machine_already_enrolled';
    await ctx.events.recordLimited(`register:${meta.remoteAddress}`, {
      type: security ? 'security' : 'enrollment',
      subtype: outcome.reason,
      severity: security ? 'warning' : 'info',
      component: 'fleet',
      agentId: outcome.existingAgentId ?? null,
      message: `registration of ${body.hostname} from ${meta.remoteAddress ?? 'unknown address'} refused: ${refusal.message}`,
      metadata: { hostname: body.hostname, remoteAddress: meta.remoteAddress, tokenId: outcome.tokenId },
    });
    throw new RegistrationRefused(refusal.status, outcome.reason, refusal.message);
  }

  ctx.onRegistered?.(outcome.agentId, body.publicKey);
  await ctx.events.record({
    type: 'enrollment',
    subtype: outcome.rebound ? 'agent_rebound' : 'agent_registered',
    severity: 'info',
    component: 'fleet',
    agentId: outcome.agentId,
    message: `${body.hostname} ${outcome.rebound ? 'rebound to its existing agent' : 'registered'} (${body.os}, ${body.arch}, agent ${body.agentVersion})`,
    metadata: { hostname: body.hostname, remoteAddress: meta.remoteAddress, tokenId: outcome.tokenId },
  });
  const active = ctx.keys.active();
  return {
    agentId: outcome.agentId,
    serverPublicKey: active.publicKey,
    serverKeyId: active.keyId,
    serverKeys: ctx.keys.verificationKeys(),
    brokerUrl: ctx.brokerUrlFor(meta.requestHost),
    topicPrefix: ctx.topicPrefix,
    rebound: outcome.rebound,
  };
}
