import type { Knex } from 'knex';
import type { Role } from './users.js';

/** A bearer token for scripts; only the SHA-256 of the token is stored. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  userId: string | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface Row {
  id: string;
  name: string;
  role: Role;
  user_id: string | null;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = [
  'id',
  'name',
  'role',
  'user_id',
  'created_by',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
];

/** Told the ids of tokens this process revoked. */
export type TokensRevokedListener = (ids: string[]) => void;

export function apiTokensRepository(knex: Knex) {
  // Live streams opened with a token close the moment it is revoked here (core/api/routes/live.ts).
  const listeners = new Set<TokensRevokedListener>();
  const usable = (q: Knex.QueryBuilder) =>
    q
      .whereNull('revoked_at')
      .where((w) => w.whereNull('expires_at').orWhere('expires_at', '>', knex.fn.now()))
      .whereNotExists(
        knex('users').whereRaw('users.id = api_tokens.user_id').andWhere('users.disabled', true),
      );
  return {
    /** Calls `listener` after tokens are revoked through this repository; returns the unsubscribe. */
    onRevoked(listener: TokensRevokedListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async create(token: {
      name: string;
      tokenHash: string;
      role: Role;
      userId?: string | null;
      createdBy: string | null;
      expiresAt?: Date | null;
    }): Promise<ApiToken> {
      const [row] = (await knex('api_tokens')
        .insert({
          name: token.name,
          token_hash: token.tokenHash,
          role: token.role,
          user_id: token.userId ?? null,
          created_by: token.createdBy,
          expires_at: token.expiresAt ?? null,
        })
        .returning(COLUMNS)) as Row[];
      return fromRow(row!);
    },

    /**
     * The usable token with this hash, its last-used time set now in the same statement; a
     * revoked or expired token, or one whose user is disabled, is not found.
     */
    async use(tokenHash: string): Promise<ApiToken | null> {
      const rows = (await usable(knex('api_tokens').where({ token_hash: tokenHash }))
        .update({ last_used_at: knex.fn.now() })
        .returning(COLUMNS)) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    /** Whether the token would still be let in (not revoked, not expired, its user enabled). */
    async isUsable(id: string): Promise<boolean> {
      return !!(await usable(knex('api_tokens').where({ id })).first('id'));
    },

    async list(): Promise<ApiToken[]> {
      return ((await knex('api_tokens').select(COLUMNS).orderBy('created_at')) as Row[]).map(fromRow);
    },

    async findById(id: string): Promise<ApiToken | null> {
      const row = (await knex('api_tokens').select(COLUMNS).where({ id }).first()) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    async revoke(id: string): Promise<boolean> {
      const revoked =
        (await knex('api_tokens')
          .where({ id })
          .whereNull('revoked_at')
          .update({ revoked_at: knex.fn.now() })) > 0;
      if (revoked) for (const listener of listeners) listener([id]);
      return revoked;
    },
  };
}

function fromRow(row: Row): ApiToken {
  const date = (d: Date | null) => (d ? new Date(d) : null);
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    userId: row.user_id,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    expiresAt: date(row.expires_at),
    lastUsedAt: date(row.last_used_at),
    revokedAt: date(row.revoked_at),
  };
}
