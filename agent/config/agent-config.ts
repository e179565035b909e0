import { createAjv, describeAjvErrors } from '../protocol/ajv.js';

/** The config format this agent writes; older ones are migrated at start (config/migrate.ts). */
export const CONFIG_FORMAT_VERSION = 2;

export const DEFAULT_SCAN_INTERVAL_SEC = 3600;
export const DEFAULT_METRICS_INTERVAL_SEC = 300;
export const DEFAULT_SPOOL_MAX_BYTES = 64 * 1024 * 1024;

export interface ServerSettings {
  /** The core's HTTP base URL, as given to `register --server`. */
  url: string;
  /** mqtt://, mqtts://, ws:// or wss:// */
  brokerUrl: string;
  topicPrefix: string;
  /** PEM of the CA that signed the broker's certificate, when it is not a public one. */
  tlsCa?: string;
}

export interface Identity {
  agentId: string;
  /** PKCS#8 PEM; never leaves this file. */
  privateKey: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** The file whose SHA-256 identifies the machine (clone detection). */
  machineIdFile: string;
  registeredAt: string;
}

/** The agent's config file (`/etc/redflag/agent.json`, mode 0600), format 2. */
export interface AgentConfig {
  formatVersion: typeof CONFIG_FORMAT_VERSION;
  /** Absent until `register`; `scan` and `list-updates` work without. */
  server?: ServerSettings;
  identity?: Identity;
  /** Server signing keys the agent trusts: key id → raw public key (base64). */
  serverKeys?: Record<string, string>;
  /** Local plugin settings by plugin name, validated by each plugin's schema. */
  plugins: Record<string, Record<string, unknown>>;
  reboot: {
    /** `reboot` commands are refused unless this is true (set here or by a signed set_config). */
    allowed: boolean;
    /** The argument vector that reboots the host. */
    command: string[];
  };
  scans: { defaultIntervalSeconds: number };
  metrics: { intervalSeconds: number };
  spool: { maxBytes: number };
}

export type RegisteredConfig = AgentConfig &
  Required<Pick<AgentConfig, 'server' | 'identity' | 'serverKeys'>>;

export function isRegistered(config: AgentConfig): config is RegisteredConfig {
  return Boolean(config.server && config.identity && config.serverKeys);
}

const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const rawKey = { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' };

export const agentConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['formatVersion'],
  properties: {
    formatVersion: { const: CONFIG_FORMAT_VERSION },
    server: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'brokerUrl', 'topicPrefix'],
      properties: {
        url: { type: 'string', pattern: '^https?://' },
        brokerUrl: { type: 'string', pattern: '^(mqtts?|wss?)://' },
        topicPrefix: { type: 'string', pattern: '^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$' },
        tlsCa: { type: 'string', minLength: 1 },
      },
    },
    identity: {
      type: 'object',
      additionalProperties: false,
      required: ['agentId', 'privateKey', 'publicKey', 'machineIdFile', 'registeredAt'],
      properties: {
        agentId: uuid,
        privateKey: { type: 'string', pattern: '-----BEGIN PRIVATE KEY-----' },
        publicKey: rawKey,
        machineIdFile: { type: 'string', minLength: 1 },
        registeredAt: { type: 'string', format: 'date-time' },
      },
    },
    serverKeys: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9_-]{22}$' },
      additionalProperties: rawKey,
    },
    plugins: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z][a-z0-9-]{0,63}$' },
      additionalProperties: { type: 'object' },
    },
    reboot: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        allowed: { type: 'boolean', default: false },
        command: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', minLength: 1 },
          default: ['systemctl', 'reboot'],
        },
      },
    },
    scans: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        defaultIntervalSeconds: {
          type: 'integer',
          minimum: 60,
          maximum: 86400,
          default: DEFAULT_SCAN_INTERVAL_SEC,
        },
      },
    },
    metrics: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        intervalSeconds: {
          type: 'integer',
          minimum: 10,
          maximum: 86400,
          default: DEFAULT_METRICS_INTERVAL_SEC,
        },
      },
    },
    spool: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        maxBytes: { type: 'integer', minimum: 1024 * 1024, default: DEFAULT_SPOOL_MAX_BYTES },
      },
    },
  },
  // Registration writes the three together; half of them is a broken file.
  dependencies: {
    server: ['identity', 'serverKeys'],
    identity: ['server', 'serverKeys'],
    serverKeys: ['server', 'identity'],
  },
} as const;

const validate = createAjv({ useDefaults: true }).compile(agentConfigSchema);

/** Validates a format-2 config in place, filling in defaults; returns the problem or null. */
export function checkAgentConfig(value: unknown): string | null {
  return validate(value) ? null : describeAjvErrors(validate.errors);
}

/** A config with nothing but defaults: what `scan` uses before anyone registered. */
export function emptyAgentConfig(): AgentConfig {
  const config = { formatVersion: CONFIG_FORMAT_VERSION } as AgentConfig;
  checkAgentConfig(config);
  return config;
}
