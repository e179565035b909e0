import type { Knex } from 'knex';
import type { Role } from '../../../broker/protocol/api-types.js';

export type { Role };

/** A user as the rest of the core sees it: the password hash stays in this file unless asked for. */
export interface User {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

interface Row {
  id: string;
  username: string;
  display_name: string | null;
  password_hash: string | null;
  role: Role;
  disabled: boolean;
  created_at: Date;
  last_login_at: Date | null;
}

const SETUP_KEY = 'auth.setup';

export function usersRepository(knex: Knex) {
  return {
    async count(): Promise<number> {
      const row = (await knex('users').count<{ count: string | number }[]>('* as count'))[0];
      return Number(row?.count ?? 0);
    },

    async create(user: {
      username: string;
      passwordHash: string | null;
      role: Role;
      displayName?: string | null;
    }): Promise<User | null> {
      const rows = (await knex('users')
        .insert({
          username: user.username,
          password_hash: user.passwordHash,
          role: user.role,
          display_name: user.displayName ?? null,
        })
        .onConflict('username')
        .ignore()
        .returning('*')) as Row[];
      return rows[0] ? fromRow(rows[0]) : null;
    },

    async findById(id: string): Promise<User | null> {
      const row = (await knex('users').where({ id }).first()) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    async findByUsername(username: string): Promise<User | null> {
      const row = (await knex('users').where({ username }).first()) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    /** The stored hash, for login only. */
    async passwordHashOf(username: string): Promise<{ user: User; passwordHash: string | null } | null> {
      const row = (await knex('users').where({ username }).first()) as Row | undefined;
      return row ? { user: fromRow(row), passwordHash: row.password_hash } : null;
    },

    async list(): Promise<User[]> {
      return ((await knex('users').orderBy('username')) as Row[]).map(fromRow);
    },

    async setPassword(id: string, passwordHash: string): Promise<boolean> {
      return (await knex('users').where({ id }).update({ password_hash: passwordHash })) > 0;
    },

    /**
     * Changes a user's role or enables/disables them, refusing a change that would leave no
     * enabled admin. The enabled admins are locked first (in id order, so two concurrent
     * changes cannot deadlock), then counted: two admins demoting each other at once cannot
     * both succeed.
     */
    async update(
      id: string,
      changes: { role?: Role; disabled?: boolean },
    ): Promise<{ user: User; before: User } | 'not_found' | 'last_admin'> {
      return knex.transaction(async (trx) => {
        const admins = (await trx('users')
          .where({ role: 'admin', disabled: false })
          .orderBy('id')
          .forUpdate()
          .select('id')) as Array<{ id: string }>;
        const row = (await trx('users').where({ id }).forUpdate().first()) as Row | undefined;
        if (!row) return 'not_found' as const;
        const before = fromRow(row);
        const role = changes.role ?? before.role;
        const disabled = changes.disabled ?? before.disabled;
        const staysAdmin = role === 'admin' && !disabled;
        if (admins.some((a) => a.id === id) && !staysAdmin && admins.length <= 1)
          return 'last_admin' as const;
        const [updated] = (await trx('users')
          .where({ id })
          .update({ role, disabled })
          .returning('*')) as Row[];
        return { user: fromRow(updated!), before };
      });
    },

    async setRole(id: string, role: Role): Promise<void> {
      await knex('users').where({ id }).update({ role });
    },

    async touchLogin(id: string): Promise<void> {
      await knex('users').where({ id }).update({ last_login_at: knex.fn.now() });
    },

    /** Replaces the first-run setup token (only its hash is kept). */
    async storeSetupToken(tokenHash: string, expiresAt: Date): Promise<void> {
      await knex('settings')
        .insert({
          key: SETUP_KEY,
          value: JSON.stringify({ hash: tokenHash, expiresAt: expiresAt.toISOString() }),
          updated_by: 'core',
          updated_at: knex.fn.now(),
        })
        .onConflict('key')
        .merge();
    },

    /**
     * Consumes the setup token in one statement, so two people racing with the same link
     * cannot both create an admin; false when it is wrong, used or expired.
     */
    async consumeSetupToken(tokenHash: string): Promise<boolean> {
      const deleted = (await knex('settings')
        .where({ key: SETUP_KEY })
        .whereRaw(`value->>'hash' = ?`, [tokenHash])
        .whereRaw(`(value->>'expiresAt')::timestamptz > now()`)
        .delete()
        .returning('key')) as unknown[];
      return deleted.length > 0;
    },

    async clearSetupToken(): Promise<void> {
      await knex('settings').where({ key: SETUP_KEY }).delete();
    },
  };
}

function fromRow(row: Row): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled,
    hasPassword: row.password_hash !== null,
    createdAt: new Date(row.created_at),
    lastLoginAt: row.last_login_at ? new Date(row.last_login_at) : null,
  };
}
