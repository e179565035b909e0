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

    async all(): Promise<Record<string, unknown>> {
      const rows = (await knex('settings').select('key', 'value').orderBy('key')) as Array<{
        key: string;
        value: unknown;
      }>;
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
  };
}
