import type { Knex } from 'knex';
import type { RegistrationBody } from '../../../broker/protocol/api-types.js';

export interface RegistrationToken {
  id: string;
  label: string;
  seatsTotal: number;
  seatsUsed: number;
  expiresAt: Date;
  revokedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
}

/** How a token was used: agents registered or rebound with it, and refusals of it. */
export interface RegistrationTokenUses {
  registered: number;
  rebound: number;
  refused: number;
  lastUsedAt: Date | null;
}

export interface RegistrationTokenUse {
  agentId: string | null;
  outcome: string;
  remoteAddress: string | null;
  usedAt: Date;
}

export interface NewRegistrationToken {
  tokenHash: string;
  label: string;
  seats: number;
  expiresAt: Date;
  createdBy: string | null;
}

/** The agent's registration body, with its token hashed and the address it came from. */
export interface RegistrationRequest extends Omit<RegistrationBody, 'token'> {
  tokenHash: string;
  remoteAddress: string | null;
}

export type RegistrationRefusal =
  'unknown_token' | 'token_revoked' | 'token_expired' | 'token_exhausted' | 'machine_already_enrolled';

export type RegistrationOutcome =
  | { ok: true; agentId: string; rebound: boolean; tokenId: string }
  | { ok: false; reason: RegistrationRefusal; tokenId?: string; existingAgentId?: string };

interface TokenRow {
  id: string;
  label: string;
  seats_total: number;
  seats_used: number;
  expires_at: Date;
  revoked_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

function tokenFromRow(row: TokenRow): RegistrationToken {
  return {
    id: row.id,
    label: row.label,
    seatsTotal: row.seats_total,
    seatsUsed: row.seats_used,
    expiresAt: new Date(row.expires_at),
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
  };
}

/** Thrown inside the transaction to undo the seat when the machine is already enrolled. */
class MachineConflict extends Error {
  constructor(readonly existingAgentId: string) {
    super('machine already enrolled');
  }
}

export function registrationRepository(knex: Knex) {
  return {
    async createToken(token: NewRegistrationToken): Promise<RegistrationToken> {
      const [row] = (await knex('registration_tokens')
        .insert({
          token_hash: token.tokenHash,
          label: token.label,
          seats_total: token.seats,
          expires_at: token.expiresAt,
          created_by: token.createdBy,
        })
        .returning('*')) as TokenRow[];
      return tokenFromRow(row!);
    },

    async listTokens(): Promise<RegistrationToken[]> {
      return ((await knex('registration_tokens').orderBy('created_at', 'desc')) as TokenRow[]).map(
        tokenFromRow,
      );
    },

    async findToken(id: string): Promise<RegistrationToken | null> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const row = (await knex('registration_tokens').where({ id }).first()) as TokenRow | undefined;
      return row ? tokenFromRow(row) : null;
    },

    /** Every token with a summary of its uses, newest first: one statement. */
    async listTokensWithUses(): Promise<Array<RegistrationToken & { uses: RegistrationTokenUses }>> {
      const rows = (await knex('registration_tokens as t')
        .leftJoin('registration_token_uses as u', 'u.token_id', 't.id')
        .groupBy('t.id')
        .orderBy([
          { column: 't.created_at', order: 'desc' },
          { column: 't.id', order: 'desc' },
        ])
        .select(
          't.*',
          knex.raw(`count(*) filter (where u.outcome = 'registered')::int as registered`),
          knex.raw(`count(*) filter (where u.outcome = 'rebound')::int as rebound`),
          knex.raw(`count(*) filter (where u.outcome not in ('registered', 'rebound'))::int as refused`),
          knex.raw('max(u.used_at) as last_used_at'),
        )) as Array<
        TokenRow & { registered: number; rebound: number; refused: number; last_used_at: Date | null }
      >;
      return rows.map((row) => ({
        ...tokenFromRow(row),
        uses: {
          registered: row.registered,
          rebound: row.rebound,
          refused: row.refused,
          lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
        },
      }));
    },

    /** A token's uses, newest first (at most `limit`). */
    async tokenUses(id: string, limit = 200): Promise<RegistrationTokenUse[]> {
      const rows = (await knex('registration_token_uses')
        .where({ token_id: id })
        .orderBy('id', 'desc')
        .limit(limit)) as Array<{
        agent_id: string | null;
        outcome: string;
        remote_address: string | null;
        used_at: Date;
      }>;
      return rows.map((r) => ({
        agentId: r.agent_id,
        outcome: r.outcome,
        remoteAddress: r.remote_address,
        usedAt: new Date(r.used_at),
      }));
    },

    async revokeToken(id: string): Promise<boolean> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
      const count = await knex('registration_tokens')
        .where({ id })
        .whereNull('revoked_at')
        .update({ revoked_at: knex.fn.now() });
      return count > 0;
    },

    /**
     * One seat, one agent, one recorded use, atomically. The seat is taken by a conditional
     * UPDATE (the row lock serialises concurrent registrations, and `seats_used < seats_total`
     * is re-checked after the lock), so a token can never be used more than its seats.
     */
    async register(req: RegistrationRequest): Promise<RegistrationOutcome> {
      const outcome = await knex
        .transaction(async (trx): Promise<RegistrationOutcome> => {
          const taken = (await trx('registration_tokens')
            .where({ token_hash: req.tokenHash })
            .whereNull('revoked_at')
            .where('expires_at', '>', trx.fn.now())
            .whereRaw('seats_used < seats_total')
            .increment('seats_used', 1)
            .returning(['id'])) as Array<{ id: string }>;
          if (taken.length === 0) return refusalFor(trx, req.tokenHash);
          const tokenId = taken[0]!.id;

          const existing = (await trx('agents')
            .where({ machine_id_hash: req.machineIdHash, status: 'active' })
            .forUpdate()
            .first('id', 'rebind_allowed_until')) as
            { id: string; rebind_allowed_until: Date | null } | undefined;

          let agentId: string;
          let rebound = false;
          const fields = {
            hostname: req.hostname,
            os: req.os,
            arch: req.arch,
            agent_version: req.agentVersion,
            public_key: req.publicKey,
            mac_addresses: JSON.stringify(req.macAddresses),
            registration_token_id: tokenId,
          };
          if (existing) {
            if (!existing.rebind_allowed_until || new Date(existing.rebind_allowed_until) <= new Date())
              throw new MachineConflict(existing.id);
            // A new key pair: a copied old key no longer connects, so a conflict ends here (issue 21 §5).
            await trx('agents')
              .where({ id: existing.id })
              .update({
                ...fields,
                rebind_allowed_until: null,
                online: false,
                identity_conflict: null,
                rebind_next_hello: false,
              });
            agentId = existing.id;
            rebound = true;
          } else {
            const [row] = (await trx('agents')
              .insert({ ...fields, machine_id_hash: req.machineIdHash })
              .returning(['id'])) as Array<{ id: string }>;
            agentId = row!.id;
          }
          await trx('registration_token_uses').insert({
            token_id: tokenId,
            agent_id: agentId,
            outcome: rebound ? 'rebound' : 'registered',
            remote_address: req.remoteAddress,
          });
          return { ok: true, agentId, rebound, tokenId };
        })
        .catch(async (err: unknown): Promise<RegistrationOutcome> => {
          // A concurrent registration of the same machine trips the unique index instead.
          if (err instanceof MachineConflict || isUniqueViolation(err, 'agents_machine_id_hash_active')) {
            const existingAgentId =
              err instanceof MachineConflict
                ? err.existingAgentId
                : (
                    (await knex('agents')
                      .where({ machine_id_hash: req.machineIdHash, status: 'active' })
                      .first('id')) as { id: string } | undefined
                  )?.id;
            return { ok: false, reason: 'machine_already_enrolled', existingAgentId };
          }
          throw err;
        });
      if (!outcome.ok && outcome.reason !== 'unknown_token') await recordRefusal(knex, req, outcome.reason);
      return outcome;
    },
  };
}

async function refusalFor(trx: Knex.Transaction, tokenHash: string): Promise<RegistrationOutcome> {
  const row = (await trx('registration_tokens').where({ token_hash: tokenHash }).first()) as
    TokenRow | undefined;
  if (!row) return { ok: false, reason: 'unknown_token' };
  if (row.revoked_at) return { ok: false, reason: 'token_revoked', tokenId: row.id };
  if (new Date(row.expires_at) <= new Date()) return { ok: false, reason: 'token_expired', tokenId: row.id };
  return { ok: false, reason: 'token_exhausted', tokenId: row.id };
}

/** Every use of a known token is recorded, refused ones too. */
async function recordRefusal(knex: Knex, req: RegistrationRequest, reason: RegistrationRefusal) {
  const token = (await knex('registration_tokens').where({ token_hash: req.tokenHash }).first('id')) as
    { id: string } | undefined;
  if (!token) return;
  await knex('registration_token_uses').insert({
    token_id: token.id,
    agent_id: null,
    outcome: reason,
    remote_address: req.remoteAddress,
  });
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(constraint));
}
