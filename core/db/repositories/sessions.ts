import type { Knex } from 'knex';
import type { Role } from './users.js';

/** What a valid session cookie resolves to. */
export interface SessionCaller {
  userId: string;
  username: string;
  role: Role;
  csrfTokenHash: string;
  expiresAt: Date;
}

/** Told the id hashes of sessions this process ended (sign-out, password change, disabled user, expiry). */
export type SessionsEndedListener = (idHashes: string[]) => void;

export function sessionsRepository(knex: Knex) {
  // Live streams opened with a session close the moment it ends here; ends elsewhere (another
  // core) are found by their periodic check.
  const listeners = new Set<SessionsEndedListener>();
  const ended = (rows: Array<{ id_hash: string }>) => {
    const hashes = rows.map((r) => r.id_hash);
    if (hashes.length) for (const listener of listeners) listener(hashes);
    return hashes.length;
  };
  return {
    /** Calls `listener` after sessions are deleted through this repository; returns the unsubscribe. */
    onEnded(listener: SessionsEndedListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async create(session: {
      idHash: string;
      userId: string;
      csrfTokenHash: string;
      remoteAddress: string | null;
      userAgent: string | null;
      expiresAt: Date;
    }): Promise<void> {
      await knex('sessions').insert({
        id_hash: session.idHash,
        user_id: session.userId,
        csrf_token_hash: session.csrfTokenHash,
        remote_address: session.remoteAddress,
        user_agent: session.userAgent,
        expires_at: session.expiresAt,
      });
    },

    /** The live session with this id hash and its enabled user; touches last_seen_at. */
    async use(idHash: string): Promise<SessionCaller | null> {
      const row = (await knex('sessions')
        .join('users', 'users.id', 'sessions.user_id')
        .where('sessions.id_hash', idHash)
        .andWhere('sessions.expires_at', '>', knex.fn.now())
        .andWhere('users.disabled', false)
        .first(
          'users.id as user_id',
          'users.username',
          'users.role',
          'sessions.csrf_token_hash',
          'sessions.expires_at',
        )) as
        | { user_id: string; username: string; role: Role; csrf_token_hash: string; expires_at: Date }
        | undefined;
      if (!row) return null;
      await knex('sessions').where({ id_hash: idHash }).update({ last_seen_at: knex.fn.now() });
      return {
        userId: row.user_id,
        username: row.username,
        role: row.role,
        csrfTokenHash: row.csrf_token_hash,
        expiresAt: new Date(row.expires_at),
      };
    },

    async delete(idHash: string): Promise<void> {
      ended(await knex('sessions').where({ id_hash: idHash }).delete().returning('id_hash'));
    },

    // knex-pglite reports no row count for DELETE: the counts come from the returned rows.
    async deleteForUser(userId: string): Promise<number> {
      return ended(await knex('sessions').where({ user_id: userId }).delete().returning('id_hash'));
    },

    async deleteExpired(): Promise<number> {
      return ended(
        await knex('sessions').where('expires_at', '<=', knex.fn.now()).delete().returning('id_hash'),
      );
    },
  };
}
