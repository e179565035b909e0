/** Fleet statistics (docs/api.md "Stats"). */
import type { PackageStatus, Severity } from '../vocabulary-types.js';

/** Updates still to install (OUTSTANDING_PACKAGE_STATUSES) by severity; total and security over the same. */
export type PendingCounts = Record<Severity | 'total' | 'security', number>;

/** One UTC day of GET /api/v1/stats's series. */
export interface DayPoint {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Updates open at the end of the day: reported and neither installed nor gone (held and ignored included). */
  open: number;
  discovered: number;
  installed: number;
  failed: number;
  resolved: number;
}

/** GET /api/v1/stats (docs/api.md "Stats"): fleet totals now and a daily series. */
export interface FleetStats {
  pending: PendingCounts;
  /** Every package state, by status. */
  byStatus: Partial<Record<PackageStatus, number>>;
  /** Updates still to install, by plugin. */
  byPlugin: Record<string, number>;
  agents: { total: number; online: number; offline: number; revoked: number; rebootRequired: number };
  /** Commands that failed, timed out or were rejected within `recentHours`. */
  failedCommands: { recentHours: number; count: number };
  daily: DayPoint[];
}
