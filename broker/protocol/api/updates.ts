/** Package updates: the list, its filters and sort, the detail, and the bulk actions (docs/api.md "Updates"). */
import type { Transaction, TransactionItem } from '../types.js';
import type { PackageStatus, Severity } from '../vocabulary-types.js';
import type { OneOrMany } from './generic.js';

/** One package on one host: package_state's key (agentId, plugin, name, arch). */
export interface PackageRef {
  agentId: string;
  plugin: string;
  name: string;
  arch: string;
}

export interface PackageUpdate extends PackageRef {
  /** Stable id of this package of this host (GET /api/v1/updates/{id}, bulk actions by `ids`). */
  id: string;
  hostname: string;
  currentVersion: string | null;
  availableVersion: string | null;
  severity: Severity;
  security: boolean;
  source?: string | null;
  rebootRequired?: boolean;
  status: PackageStatus;
  metadata?: Record<string, unknown>;
  firstSeenAt?: string;
  lastSeenAt?: string;
  statusChangedAt?: string;
}

/** GET /api/v1/updates filters (docs/api.md "Updates"): filters AND, the values of one filter OR. */
export interface UpdateFilter {
  agent?: OneOrMany<string>;
  plugin?: OneOrMany<string>;
  severity?: OneOrMany<Severity>;
  status?: OneOrMany<PackageStatus>;
  security?: boolean;
  label?: string;
  q?: string;
}

export type UpdateSort = 'severity' | 'name' | 'host' | 'firstSeen';
export type SortOrder = 'asc' | 'desc';

/** The sort of the list: `severity desc` is most severe first, `firstSeen desc` newest first. */
export interface UpdateOrder {
  sort?: UpdateSort;
  order?: SortOrder;
}

/** What the transaction holds beyond what was approved: why a person must confirm. */
export type TransactionExtras = Partial<Record<'upgrades' | 'newPackages' | 'removals', TransactionItem[]>>;

/** One install of a package, as its detail lists them. */
export interface InstallRecord {
  id: string;
  fromVersion: string | null;
  toVersion: string | null;
  commandId: string | null;
  result: 'succeeded' | 'failed';
  message: string | null;
  occurredAt: string;
}

/** GET /api/v1/updates/{id} (docs/api.md "Updates", Detail). */
export interface PackageDetail extends PackageUpdate {
  dryRunCommandId: string | null;
  installCommandId: string | null;
  /** While `pending_dependencies`: the dry run's transaction with its extras; else null. */
  transaction: (Partial<Transaction> & { extras?: TransactionExtras }) | null;
  history: InstallRecord[];
  events: Array<{
    id: string;
    kind: string;
    fromVersion: string | null;
    toVersion: string | null;
    occurredAt: string;
  }>;
}

/** A package a bulk action moved (with its id when the request named ids or a filter). */
export type MovedRef = PackageRef & { id?: string };

export interface Refusal {
  id?: string;
  ref: PackageRef;
  from: PackageStatus | null;
  why: string;
}

/** The answer of POST /api/v1/updates/approve, /ignore and /install. */
export interface BulkAnswer {
  approved?: MovedRef[];
  ignored?: MovedRef[];
  installing?: MovedRef[];
  refused: Refusal[];
}

/** What a bulk action is for: some packages by id, or every package matching a filter. */
export type BulkTarget = { ids: string[] } | { filter: UpdateFilter } | { packages: PackageRef[] };
