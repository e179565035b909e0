import type { Knex } from 'knex';

export interface SeedFleetOptions {
  agents: number;
  packagesPerAgent: number;
  /** Spreads first-seen times and events over this many past days. */
  days?: number;
  /** Prefix of the seeded hostnames (several seeds in one database stay apart). */
  hostPrefix?: string;
}

/**
 * A synthetic fleet in three set-based statements (generate_series), for tests and benchmarks
 * that need hundreds of agents or a million package states: agents with labels, online and
 * reboot flags; package states across plugins, severities and statuses; one update event per
 * discovery, install and resolution. Deterministic apart from the ids. The count tables follow
 * through their triggers, as they do for real ingests.
 */
export function fleetSeedRepository(knex: Knex) {
  return {
    async seedFleet(opts: SeedFleetOptions): Promise<string[]> {
      const days = opts.days ?? 30;
      const prefix = opts.hostPrefix ?? 'host';
      return knex.transaction(async (trx) => {
        const agents = (await trx.raw(
          `insert into agents (hostname, os, arch, agent_version, public_key, machine_id_hash, labels, online,
                               reboot_required, last_seen_at, registered_at)
           select ? || '-' || lpad(g::text, 5, '0'), 'Debian GNU/Linux 12', 'amd64', '0.1.0', 'seeded',
                  'seeded-' || gen_random_uuid(),
                  case g % 4 when 0 then '["prod"]' when 1 then '["lab"]' when 2 then '["prod", "db"]' else '[]' end::jsonb,
                  g % 3 <> 0, g % 10 = 0, now() - g * interval '1 second', now() - ?::int * interval '1 day'
             from generate_series(1, ?::int) g
           returning id, hostname`,
          [prefix, days, opts.agents],
        )) as { rows: Array<{ id: string; hostname: string }> };
        const ids = agents.rows.map((r) => r.id);
        await trx.raw(
          `insert into package_state (agent_id, plugin, name, arch, current_version, available_version, severity,
                                      security, source, status, first_seen_at, last_seen_at, status_changed_at)
           select a.id,
                  (array['apt', 'apt', 'apt', 'dnf', 'flatpak'])[p % 5 + 1],
                  (array['lib', 'python3-', 'golang-', 'node-', 'x'])[p % 5 + 1] || 'pkg' || p,
                  'amd64', '1.0-' || p, '1.1-' || p,
                  case when p % 20 = 0 then 'critical' when p % 20 < 3 then 'high' when p % 20 < 6 then 'medium'
                       when p % 20 < 10 then 'low' else 'unknown' end,
                  p % 20 < 3, 'seed',
                  case when (a.n + p) % 50 = 0 then 'failed' when (a.n + p) % 50 = 1 then 'ignored'
                       when (a.n + p) % 50 = 2 then 'held' when (a.n + p) % 25 = 3 then 'updated'
                       when (a.n + p) % 25 = 4 then 'resolved' when (a.n + p) % 100 = 5 then 'pending_dependencies'
                       else 'pending' end,
                  now() - ((a.n * p) % ?::int) * interval '1 day' - p * interval '1 second',
                  now(), now() - ((a.n + p) % (24 * ?::int)) * interval '1 hour'
             from (select id, row_number() over (order by hostname) as n
                     from unnest(?::uuid[]) as u(id) join agents using (id)) a
            cross join generate_series(1, ?::int) p`,
          [days, days, ids, opts.packagesPerAgent],
        );
        await trx.raw(
          `insert into package_names (name)
           select distinct name from package_state where agent_id = any(?::uuid[]) order by 1
           on conflict do nothing`,
          [ids],
        );
        await trx.raw(
          `insert into update_events (agent_id, plugin, package, arch, from_version, to_version, kind, severity, occurred_at)
           select s.agent_id, s.plugin, s.name, s.arch, s.current_version, s.available_version, 'discovered', s.severity, s.first_seen_at
             from package_state s where s.agent_id = any(?::uuid[])
           union all
           select s.agent_id, s.plugin, s.name, s.arch, s.current_version, s.available_version,
                  case s.status when 'updated' then 'installed' else 'resolved' end, s.severity, s.status_changed_at
             from package_state s where s.agent_id = any(?::uuid[]) and s.status in ('updated', 'resolved')`,
          [ids, ids],
        );
        return ids;
      });
    },
  };
}
