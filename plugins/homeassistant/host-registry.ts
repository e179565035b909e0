import type { PluginDatabase } from '../sdk/index.js';

/**
 * The hosts whose discovery is on HA's broker, and the containers each one carried, kept in
 * the plugin's own table: a host removed while the core was down still gets its discovery
 * deleted at the next connect, and a container that went away its component removed.
 */
export function hostRegistry(db: PluginDatabase) {
  return {
    async all(): Promise<Map<string, string[]>> {
      const rows = await db.query<{ agent_id: string; containers: string[] }>(
        'select agent_id, containers from homeassistant_devices',
      );
      return new Map(rows.map((r) => [r.agent_id, r.containers]));
    },
    async save(agentId: string, containers: string[]): Promise<void> {
      await db.query(
        `insert into homeassistant_devices (agent_id, containers) values (?, ?::jsonb)
         on conflict (agent_id) do update set containers = excluded.containers, updated_at = now()`,
        [agentId, JSON.stringify(containers)],
      );
    },
    /** Several hosts' rows in one statement: a full publish's, however many hosts it announced. */
    async saveAll(rows: ReadonlyArray<readonly [agentId: string, containers: string[]]>): Promise<void> {
      if (rows.length === 0) return;
      await db.query(
        `insert into homeassistant_devices (agent_id, containers)
         select r->>0, r->1 from jsonb_array_elements(?::jsonb) r
         on conflict (agent_id) do update set containers = excluded.containers, updated_at = now()`,
        [JSON.stringify(rows)],
      );
    },
    async remove(agentId: string): Promise<void> {
      await db.query('delete from homeassistant_devices where agent_id = ?', [agentId]);
    },
  };
}

export type HostRegistry = ReturnType<typeof hostRegistry>;
