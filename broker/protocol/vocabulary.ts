/**
 * The closed word lists of protocol v1. Adding a word is an additive change (core first, then
 * agents, see docs/protocol.md "Versioning"); removing or renaming one needs v2.
 */

/** Package update severity (DESIGN.md §4 scan package record, §5 package_state.severity). */
export const PACKAGE_SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

/** Severity of an `event` (DESIGN.md §5 system_events.severity). */
export const EVENT_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;

/** What the core can ask an agent to do (DESIGN.md §3.6). */
export const COMMAND_TYPES = [
  'scan',
  'dry_run',
  'install',
  'reboot',
  'cancel',
  'update_agent',
  'set_config',
  'restart_container',
] as const;

/**
 * What every v1 agent runs that says hello without `commandTypes` (issue 21 §7): the handlers
 * agents had before the list was added. The core issues only these to such an agent, and to
 * one that has not said hello yet; `restart_container` never had a handler.
 */
export const BASELINE_COMMAND_TYPES = [
  'scan',
  'dry_run',
  'install',
  'reboot',
  'cancel',
  'update_agent',
  'set_config',
] as const satisfies ReadonlyArray<(typeof COMMAND_TYPES)[number]>;

/** Why `verifyCommand` refuses a command. */
export const COMMAND_VERIFY_FAILURES = [
  'malformed',
  'wrong_agent',
  'unknown_key',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'replayed',
] as const;

/**
 * Why an agent refuses a command in its `ack`: every verification failure, plus a command the
 * agent cannot run (no handler or plugin for it) or whose params its handler refuses, and one
 * it could not record in its journal (`storage_error`: a full disk; it is not run, issue 25 §1).
 */
export const COMMAND_REJECT_REASONS = [
  ...COMMAND_VERIFY_FAILURES,
  'unknown_type',
  'invalid_params',
  'storage_error',
] as const;

/** How a command ended, from the agent's point of view. */
export const RESULT_STATUSES = ['succeeded', 'failed', 'cancelled', 'rejected'] as const;

/** `progress` lines: the command's own output streams, and `status` for the agent's narration. */
export const PROGRESS_STREAMS = ['stdout', 'stderr', 'status'] as const;

/**
 * Where a container's image stands against its registry (a container inventory item, issue 24 §5):
 * the same digest check as the Docker scan records, for every container, not only those with an update.
 */
export const CONTAINER_CHECK_STATUSES = [
  'up_to_date',
  'update_available',
  'not_checkable',
  'check_failed',
] as const;

/** What the core did with a spooled message: either way the agent may drop it from its spool. */
export const RECEIPT_STATUSES = ['stored', 'duplicate', 'rejected'] as const;

/*
 * The HTTP API's words (issue 22 §1: each list defined once): the core's SQL checks and route
 * schemas, and the panel, are built from these.
 */

/** Where an update stands on one host (DESIGN.md §5 package_state.status). */
export const PACKAGE_STATUSES = [
  'pending',
  'approved',
  'checking_dependencies',
  'pending_dependencies',
  'installing',
  'updated',
  'failed',
  'ignored',
  'held',
  'resolved',
] as const;

/**
 * Statuses of an update that still waits to be installed: what "pending" counts mean in the
 * agent list and the fleet stats. Held and ignored ones are set aside; updated and resolved
 * ones are closed.
 */
export const OUTSTANDING_PACKAGE_STATUSES = [
  'pending',
  'approved',
  'checking_dependencies',
  'pending_dependencies',
  'installing',
  'failed',
] as const satisfies ReadonlyArray<(typeof PACKAGE_STATUSES)[number]>;

/** A command row's life (DESIGN.md §5 commands.status). */
export const COMMAND_STATUSES = [
  'pending',
  'sent',
  'acknowledged',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
] as const;

/** Statuses in which a command still occupies its dedup key (and can be cancelled). */
export const ACTIVE_COMMAND_STATUSES = [
  'pending',
  'sent',
  'acknowledged',
  'running',
] as const satisfies ReadonlyArray<(typeof COMMAND_STATUSES)[number]>;

/** Who issued a command (DESIGN.md §5 commands.source). */
export const COMMAND_SOURCES = ['manual', 'policy', 'schedule', 'integration'] as const;

/** What a user or an API token may do (DESIGN.md §6). */
export const ROLES = ['admin', 'operator', 'viewer'] as const;

/**
 * The query parameter with which a link from outside names a page of the panel
 * (`?redflag=/hosts/<id>`). Home Assistant's ingress page always opens the add-on's root in
 * its iframe, so a link into the panel there (an update entity's `release_url`) can only
 * say where to go in the page's own query; the panel reads it from the top window.
 */
export const PANEL_PAGE_PARAM = 'redflag';
