import { createRegistrationToken, hashRegistrationToken } from '../../broker/protocol/index.js';
import type { Database, RegistrationToken } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import { parseDuration } from './duration.js';
import { installOneLiner } from './install-script.js';
import type { ServerKeyring } from './server-keys.js';

export interface TokenContext {
  db: Database;
  keys: ServerKeyring;
  events: EventRecorder;
  /** Base URL of the core as agents reach it, for the install command. */
  serverUrl: string;
}

export interface CreatedToken {
  /** The token itself: shown once, stored only as a hash. */
  token: string;
  /** The one line to paste on a host. */
  install: string;
  registrationToken: RegistrationToken;
}

/** A request the caller can fix; `message` says how. */
export class TokenRequestError extends Error {
  override name = 'TokenRequestError';
}

export const MAX_TOKEN_SEATS = 10_000;
const MAX_TOKEN_LIFETIME_MS = 366 * 86_400_000;

export async function createToken(
  ctx: TokenContext,
  req: { label: string; seats: number; expires: string; createdBy: string | null },
): Promise<CreatedToken> {
  const label = req.label.trim();
  if (!label || label.length > 200) throw new TokenRequestError('label must be 1 to 200 characters');
  if (!Number.isInteger(req.seats) || req.seats < 1 || req.seats > MAX_TOKEN_SEATS)
    throw new TokenRequestError(`seats must be an integer from 1 to ${MAX_TOKEN_SEATS}, got ${req.seats}`);
  const lifetime = parseDuration(req.expires);
  if (lifetime === null || lifetime > MAX_TOKEN_LIFETIME_MS)
    throw new TokenRequestError(
      `expires must be a duration like 30m, 12h, 7d or 2w of at most 366 days, got "${req.expires}"`,
    );
  const { token } = createRegistrationToken(ctx.keys.active().publicKey);
  const registrationToken = await ctx.db.registration.createToken({
    tokenHash: hashRegistrationToken(token),
    label,
    seats: req.seats,
    expiresAt: new Date(Date.now() + lifetime),
    createdBy: req.createdBy,
  });
  await ctx.events.record({
    type: 'enrollment',
    subtype: 'token_created',
    severity: 'info',
    component: 'fleet',
    message: `registration token "${label}" created with ${req.seats} seat(s), expires ${registrationToken.expiresAt.toISOString()}`,
    metadata: { tokenId: registrationToken.id, seats: req.seats, createdBy: req.createdBy },
  });
  return { token, install: installCommand(ctx.serverUrl, token), registrationToken };
}

/**
 * What a user pastes on a host: install.sh from this core (agent/install/install.sh), which
 * installs the agent, registers it with the token and starts it under systemd. The token is
 * single-quoted: it is base64url and underscores, so it can never contain a quote, but the
 * quoting keeps shells from globbing it.
 */
export function installCommand(serverUrl: string, token: string): string {
  return installOneLiner(serverUrl, token);
}

export async function revokeToken(ctx: TokenContext, id: string, by: string | null): Promise<boolean> {
  const revoked = await ctx.db.registration.revokeToken(id);
  if (revoked)
    await ctx.events.record({
      type: 'enrollment',
      subtype: 'token_revoked',
      severity: 'info',
      component: 'fleet',
      message: `registration token ${id} revoked`,
      metadata: { tokenId: id, by },
    });
  return revoked;
}
