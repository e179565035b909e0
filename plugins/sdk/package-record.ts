import type { Severity } from './severity.js';

/**
 * One pending update as a scan reports it: the scan package record of DESIGN.md §4, field for
 * field. broker/protocol owns the wire schema; this copy keeps plugins independent of it.
 */
export interface ScanPackage {
  /** The plugin that found it (`apt`). */
  plugin: string;
  name: string;
  /** Architecture when the package manager has one (`amd64`, `all`, `x86_64`). */
  arch?: string;
  currentVersion: string;
  availableVersion: string;
  severity: Severity;
  /** Where the candidate comes from: repository, suite or registry (`bookworm-security`). */
  source: string;
  security: boolean;
  /** Installing this update needs a reboot, when the package manager can tell in advance. */
  rebootRequired?: boolean;
  /** Anything else the plugin knows (suites, held, advisory ids); untrusted text for the panel. */
  metadata: Record<string, unknown>;
}

/**
 * The same record as a JSON schema; the host checks every record a plugin returns against it,
 * so one malformed record is dropped and reported instead of failing a whole scan downstream.
 */
export const scanPackageSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'plugin',
    'name',
    'currentVersion',
    'availableVersion',
    'severity',
    'source',
    'security',
    'metadata',
  ],
  properties: {
    plugin: { type: 'string', minLength: 1, maxLength: 64 },
    name: { type: 'string', minLength: 1, maxLength: 256 },
    arch: { type: 'string', minLength: 1, maxLength: 64 },
    currentVersion: { type: 'string', maxLength: 256 },
    availableVersion: { type: 'string', minLength: 1, maxLength: 256 },
    severity: { enum: ['critical', 'high', 'medium', 'low', 'unknown'] },
    source: { type: 'string', maxLength: 512 },
    security: { type: 'boolean' },
    rebootRequired: { type: 'boolean' },
    metadata: { type: 'object' },
  },
} as const;
