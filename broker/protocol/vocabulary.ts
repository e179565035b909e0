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
 * agent cannot run (no handler or plugin for it) or whose params its handler refuses.
 */
export const COMMAND_REJECT_REASONS = [...COMMAND_VERIFY_FAILURES, 'unknown_type', 'invalid_params'] as const;

/** How a command ended, from the agent's point of view. */
export const RESULT_STATUSES = ['succeeded', 'failed', 'cancelled', 'rejected'] as const;

/** `progress` lines: the command's own output streams, and `status` for the agent's narration. */
export const PROGRESS_STREAMS = ['stdout', 'stderr', 'status'] as const;

/** What the core did with a spooled message: either way the agent may drop it from its spool. */
export const RECEIPT_STATUSES = ['stored', 'duplicate', 'rejected'] as const;
