/** Policies, maintenance windows and scan schedules (docs/api.md "Policies, maintenance windows and schedules"). */
import type { Severity } from '../vocabulary-types.js';

export type PolicyKind = 'hold' | 'ignore' | 'auto_approve';

/** What a rule matches; every given field must match, absent ones match anything. */
export interface PolicyMatch {
  /** Glob on the package name: `linux-image-*`, `docker-ce`. */
  namePattern?: string;
  plugin?: string;
  /** Agents carrying this label. */
  label?: string;
  /** auto_approve only: severities approved. */
  severities?: Severity[];
  /** auto_approve only: security updates only. */
  securityOnly?: boolean;
}

/** A hold, ignore or auto-approve rule (docs/api.md "Policies, maintenance windows and schedules"). */
export interface Policy {
  id: string;
  kind: PolicyKind;
  name: string;
  match: PolicyMatch;
  enabled: boolean;
  createdBy?: string | null;
  createdAt: string;
}

export interface MaintenanceWindow {
  id: string;
  name: string;
  /** 0 = Sunday … 6 = Saturday, in the window's time zone. */
  weekdays: number[];
  /** HH:MM; a window whose end is before its start runs past midnight. */
  startTime: string;
  endTime: string;
  timezone: string;
  /** Applies to agents with this label; null: to every agent. */
  agentLabel: string | null;
  enabled: boolean;
}

/** A scan interval for one plugin on one agent, on the agents with a label, or fleet-wide. */
export interface ScanSchedule {
  id: string;
  agentId: string | null;
  agentLabel: string | null;
  plugin: string;
  intervalSeconds: number;
  enabled: boolean;
}
