import { updateAgentParamsSchema } from './agent-bundle.js';
import { MAX_TRANSACTION_ITEMS, scanScheduleSchema, transactionSchema } from './schemas/index.js';
import type { CommandType } from './vocabulary-types.js';

/**
 * The `params` of every command type (issue 22 §1): one schema each, checked by the core
 * before a command is stored or signed (POST /api/v1/commands answers 400 naming the field)
 * and by the agent's handler before it runs (refused `invalid_params`). Strict ajv schemas.
 */

/** `timeoutSeconds`, accepted by every command type: the agent's time limit for it. */
export const timeoutParam = { type: 'integer', minimum: 1, maximum: 7 * 86400 } as const;

/** A plugin's name, as its folder and its hello say it. */
export const pluginNameSchema = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' } as const;

/** The packages a dry run or an install is about. */
export const packageRefsSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 5000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 256 },
      arch: { type: 'string', minLength: 1, maxLength: 64 },
      version: { type: 'string', minLength: 1, maxLength: 256 },
    },
  },
} as const;

const transactionNames = {
  type: 'array',
  maxItems: MAX_TRANSACTION_ITEMS,
  // `name:arch`: a package name (256) and an architecture (64).
  items: { type: 'string', minLength: 1, maxLength: 321 },
} as const;

/**
 * The transaction a person confirmed, as an install carries it: the dry run's own shape (which
 * may leave out its warnings) or the compact one of docs/protocol.md's example.
 */
export const confirmedTransactionSchema = {
  oneOf: [
    { ...transactionSchema, required: ['upgrades', 'newPackages', 'removals'] },
    {
      type: 'object',
      additionalProperties: false,
      required: ['upgrade', 'install', 'remove'],
      properties: { upgrade: transactionNames, install: transactionNames, remove: transactionNames },
    },
  ],
} as const;

const pluginKey = { pattern: '^[a-z][a-z0-9-]{0,63}$' } as const;
const UUID_RE = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export const scanParamsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { plugin: pluginNameSchema, timeoutSeconds: timeoutParam },
} as const;

export const dryRunParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['plugin', 'packages'],
  properties: { plugin: pluginNameSchema, packages: packageRefsSchema, timeoutSeconds: timeoutParam },
} as const;

export const installParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['plugin', 'packages'],
  properties: {
    plugin: pluginNameSchema,
    packages: packageRefsSchema,
    expected: confirmedTransactionSchema,
    transaction: confirmedTransactionSchema,
    timeoutSeconds: timeoutParam,
  },
  // One of the two names, not both (strict ajv wants each required name declared where it is required).
  oneOf: [
    { required: ['expected'], properties: { expected: true } },
    { required: ['transaction'], properties: { transaction: true } },
  ],
} as const;

export const rebootParamsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { timeoutSeconds: timeoutParam },
} as const;

export const cancelParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['commandId'],
  properties: { commandId: { type: 'string', pattern: UUID_RE } },
} as const;

export const setConfigParamsSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    schedules: {
      type: 'object',
      propertyNames: pluginKey,
      additionalProperties: scanScheduleSchema,
    },
    // Key rotation (docs/protocol.md): trust a new server key, later withdraw the old one.
    serverKeys: {
      type: 'object',
      additionalProperties: false,
      properties: {
        add: {
          type: 'object',
          propertyNames: { pattern: '^[A-Za-z0-9_-]{22}$' },
          additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
        },
        remove: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } },
      },
    },
    allowReboot: { type: 'boolean' },
    pluginSettings: { type: 'object', propertyNames: pluginKey, additionalProperties: { type: 'object' } },
    timeoutSeconds: timeoutParam,
  },
} as const;

/**
 * `restart_container` (issue 24 §4): the container by id or name, run by the agent's docker
 * plugin; agents list it in their hello only where that plugin is available.
 */
export const restartContainerParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['container'],
  properties: {
    container: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$' },
    timeoutSeconds: timeoutParam,
  },
} as const;

/** Every command type's `params` schema, defined once. */
export const commandParamsSchemas = {
  scan: scanParamsSchema,
  dry_run: dryRunParamsSchema,
  install: installParamsSchema,
  reboot: rebootParamsSchema,
  cancel: cancelParamsSchema,
  update_agent: updateAgentParamsSchema,
  set_config: setConfigParamsSchema,
  restart_container: restartContainerParamsSchema,
} as const satisfies Record<CommandType, object>;
