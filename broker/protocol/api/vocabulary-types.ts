/** The vocabularies (../vocabulary.ts) as the API's types: one word list, one type. */
import type {
  ACTIVE_COMMAND_STATUSES,
  COMMAND_SOURCES,
  COMMAND_STATUSES,
  OUTSTANDING_PACKAGE_STATUSES,
  PACKAGE_STATUSES,
  ROLES,
} from '../vocabulary.js';

export type Role = (typeof ROLES)[number];
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];
export type OutstandingPackageStatus = (typeof OUTSTANDING_PACKAGE_STATUSES)[number];
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export type ActiveCommandStatus = (typeof ACTIVE_COMMAND_STATUSES)[number];
export type CommandSource = (typeof COMMAND_SOURCES)[number];
