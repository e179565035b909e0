import { PACKAGE_SEVERITIES } from '../vocabulary.js';
import { containerInventoryItemSchema, MAX_INVENTORY_CONTAINERS } from './container-inventory.js';
import {
  dateTime,
  digest,
  envelopeProperties,
  envelopeRequired,
  openObject,
  pluginName,
  text,
  uuid,
} from './common.js';

export const MAX_SCAN_PACKAGES = 20000;

/** One pending update, DESIGN.md §4 "scan package record". */
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
    plugin: pluginName,
    name: text(256, 1),
    arch: text(64, 1),
    // Empty when the package manager reports no version (some flatpak refs, untagged images).
    currentVersion: text(256),
    availableVersion: text(256),
    severity: { type: 'string', enum: PACKAGE_SEVERITIES },
    source: { ...text(512), description: 'Repository, suite or registry the update comes from.' },
    security: { type: 'boolean' },
    rebootRequired: { type: 'boolean' },
    metadata: openObject,
    // Docker records
    image: text(512, 1),
    tag: text(128, 1),
    containerIds: { type: 'array', maxItems: 1024, items: { type: 'string', pattern: '^[0-9a-f]{12,64}$' } },
    localDigests: { type: 'array', maxItems: 64, items: digest },
    remoteDigest: digest,
    platform: { ...text(64, 1), description: 'os/arch[/variant], e.g. linux/arm64/v8.' },
  },
} as const;

/**
 * `up/scan`: the full result of one plugin's scan. Spooled until a receipt. `complete: true`
 * means "this is everything the plugin reports", so packages missing from it are resolved; a
 * failed scan (with `error`) is therefore never complete.
 */
export const scanSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'scan',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'batchId', 'plugin', 'complete', 'startedAt', 'finishedAt', 'packages'],
  properties: {
    ...envelopeProperties,
    batchId: { ...uuid, description: 'Idempotency key of the ingest; becomes scan_batches.id.' },
    plugin: pluginName,
    complete: { type: 'boolean' },
    startedAt: dateTime,
    finishedAt: dateTime,
    packages: { type: 'array', maxItems: MAX_SCAN_PACKAGES, items: scanPackageSchema },
    error: text(8192, 1),
    holds: {
      type: 'array',
      maxItems: MAX_SCAN_PACKAGES,
      description: 'Packages held by the package manager (apt-mark hold, dnf versionlock).',
      items: text(256, 1),
    },
    containers: {
      type: 'array',
      maxItems: MAX_INVENTORY_CONTAINERS,
      description:
        "Every container on the host with its image's check (the docker plugin; issue 24 §5). Present: the engine's whole list, which replaces the host's inventory at the core.",
      items: containerInventoryItemSchema,
    },
  },
  // A complete scan has no error.
  if: { properties: { complete: { const: true } } },
  then: { properties: { error: false } },
  // A failed scan read nothing from the engine, so it carries no inventory.
  dependencies: { error: { properties: { containers: false } } },
} as const;
