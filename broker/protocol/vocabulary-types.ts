/** The vocabularies (vocabulary.ts) as types: one word list, one type, for the messages and the API. */
import type {
  ACTIVE_COMMAND_STATUSES,
  COMMAND_REJECT_REASONS,
  COMMAND_SOURCES,
  CONTAINER_CHECK_STATUSES,
  COMMAND_STATUSES,
  COMMAND_TYPES,
  EVENT_SEVERITIES,
  OUTSTANDING_PACKAGE_STATUSES,
  PACKAGE_SEVERITIES,
  PACKAGE_STATUSES,
  PROGRESS_STREAMS,
  RECEIPT_STATUSES,
  RESULT_STATUSES,
  ROLES,
} from './vocabulary.js';

export type Role = (typeof ROLES)[number];
export type ContainerCheckStatus = (typeof CONTAINER_CHECK_STATUSES)[number];
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];
export type OutstandingPackageStatus = (typeof OUTSTANDING_PACKAGE_STATUSES)[number];
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export type ActiveCommandStatus = (typeof ACTIVE_COMMAND_STATUSES)[number];
export type CommandSource = (typeof COMMAND_SOURCES)[number];
/** Package update severity. */
export type Severity = (typeof PACKAGE_SEVERITIES)[number];
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];
export type CommandType = (typeof COMMAND_TYPES)[number];
export type CommandRejectReason = (typeof COMMAND_REJECT_REASONS)[number];
export type ResultStatus = (typeof RESULT_STATUSES)[number];
export type ProgressStream = (typeof PROGRESS_STREAMS)[number];
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];
