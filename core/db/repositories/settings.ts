import type { Knex } from 'knex';

/** Runtime settings changed from the panel (config.yaml holds start-up settings). */
export function settingsRepository(knex: Knex) {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const row = await knex('settings').where({ key }).first('value');
      return row ? (row.value as T) : undefined;
    },

    async set(key: string, value: unknown, updatedBy: string | null = null): Promise<void> {
      await knex('settings')
        .insert({ key, value: JSON.stringify(value), updated_by: updatedBy, updated_at: knex.fn.now() })
        .onConflict('key')
        .merge();
    },

    /** Several keys in one transaction: all of them change or none. */
    async setMany(values: Record<string, unknown>, updatedBy: string | null = null): Promise<void> {
      const rows = Object.entries(values).map(([key, value]) => ({
        key,
        value: JSON.stringify(value),
        updated_by: updatedBy,
        updated_at: knex.fn.now(),
      }));
      if (rows.length) await knex('settings').insert(rows).onConflict('key').merge();
    },

    /** The given keys with who changed them last and when (keys never set are absent). */
    async some(
      keys: string[],
    ): Promise<Array<{ key: string; value: unknown; updatedBy: string | null; updatedAt: Date }>> {
      const rows = (await knex('settings').whereIn('key', keys).orderBy('key')) as Array<{
        key: string;
        value: unknown;
        updated_by: string | null;
        updated_at: Date;
      }>;
      return rows.map((r) => ({
        key: r.key,
        value: r.value,
        updatedBy: r.updated_by,
        updatedAt: new Date(r.updated_at),
      }));
    },

    async all(): Promise<Record<string, unknown>> {
      const rows = (await knex('settings').select('key', 'value').orderBy('key')) as Array<{
        key: string;
        value: unknown;
      }>;
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
  };
}
