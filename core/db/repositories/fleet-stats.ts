import type { Knex } from 'knex';
import type { DayPoint, FleetStats } from '../../../broker/protocol/api-types.js';
import { OUTSTANDING_STATUSES, SEVERITIES } from './fleet-read.js';

export type { DayPoint, FleetStats };

const CLOSED = new Set(['resolved', 'updated']);
const OUTSTANDING = new Set<string>(OUTSTANDING_STATUSES);

/**
 * Fleet-wide numbers for the dashboard, over every row rather than a page. The package numbers
 * come from package_counts and update_event_days, which triggers keep in step with
 * package_state and update_events (migration 20261201100000): a few thousand rows to add up
 * where the source tables hold millions.
 */
export function fleetStatsRepository(knex: Knex) {
  return {
    async stats(opts: { days: number; recentHours: number; now?: Date }): Promise<FleetStats> {
      const now = opts.now ?? new Date();
      const [counts, agents, failed, days] = await Promise.all([
        knex.raw(
          `select status, severity, plugin, security, sum(n)::bigint as n
             from package_counts group by status, severity, plugin, security having sum(n) <> 0`,
        ) as Promise<{
          rows: Array<{ status: string; severity: string; plugin: string; security: boolean; n: string }>;
        }>,
        knex.raw(
          `select count(*) filter (where status = 'active')::int as total,
                  count(*) filter (where status = 'active' and online)::int as online,
                  count(*) filter (where status = 'revoked')::int as revoked,
                  count(*) filter (where status = 'active' and reboot_required)::int as reboot_required
             from agents`,
        ) as Promise<{
          rows: Array<{ total: number; online: number; revoked: number; reboot_required: number }>;
        }>,
        knex.raw(
          `select count(*)::int as n from commands
            where status in ('failed', 'timed_out', 'rejected')
              and coalesce(failed_at, timed_out_at, rejected_at) > ?`,
          [new Date(now.getTime() - opts.recentHours * 3600_000)],
        ) as Promise<{ rows: Array<{ n: number }> }>,
        knex.raw(
          `select to_char(day, 'YYYY-MM-DD') as day, kind, sum(n)::bigint as n
             from update_event_days where day > ?::date group by day, kind`,
          [utcDay(new Date(now.getTime() - opts.days * 86400_000))],
        ) as Promise<{ rows: Array<{ day: string; kind: string; n: string }> }>,
      ]);

      const pending = {
        total: 0,
        security: 0,
        ...Object.fromEntries(SEVERITIES.map((s) => [s, 0])),
      } as FleetStats['pending'];
      const byStatus: Record<string, number> = {};
      const byPlugin: Record<string, number> = {};
      let openNow = 0;
      for (const row of counts.rows) {
        const n = Number(row.n);
        byStatus[row.status] = (byStatus[row.status] ?? 0) + n;
        if (!CLOSED.has(row.status)) openNow += n;
        if (!OUTSTANDING.has(row.status)) continue;
        pending[row.severity as (typeof SEVERITIES)[number]] += n;
        pending.total += n;
        if (row.security) pending.security += n;
        byPlugin[row.plugin] = (byPlugin[row.plugin] ?? 0) + n;
      }

      const a = agents.rows[0]!;
      return {
        pending,
        byStatus,
        byPlugin,
        agents: {
          total: a.total,
          online: a.online,
          offline: a.total - a.online,
          revoked: a.revoked,
          rebootRequired: a.reboot_required,
        },
        failedCommands: { recentHours: opts.recentHours, count: failed.rows[0]!.n },
        daily: dailySeries(days.rows, opts.days, now, openNow),
      };
    },
  };
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * Events per day, and the open count at the end of each day walked back from today's:
 * open(d - 1) = open(d) - discovered(d) + installed(d) + resolved(d). Discoveries open an
 * update, installs and resolutions close it (a failed install leaves it open).
 */
export function dailySeries(
  rows: Array<{ day: string; kind: string; n: string | number }>,
  days: number,
  now: Date,
  openNow: number,
): DayPoint[] {
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const entry = byDay.get(r.day) ?? {};
    entry[r.kind] = (entry[r.kind] ?? 0) + Number(r.n);
    byDay.set(r.day, entry);
  }
  const points: DayPoint[] = [];
  let open = openNow;
  for (let i = 0; i < days; i++) {
    const day = utcDay(new Date(now.getTime() - i * 86400_000));
    const k = byDay.get(day) ?? {};
    const point = {
      day,
      open,
      discovered: k.discovered ?? 0,
      installed: k.installed ?? 0,
      failed: k.failed ?? 0,
      resolved: k.resolved ?? 0,
    };
    points.push(point);
    // Clamped: history older than the events kept (or deleted hosts) cannot go below nothing.
    open = Math.max(0, open - point.discovered + point.installed + point.resolved);
  }
  return points.reverse();
}
