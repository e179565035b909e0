/**
 * The one description of RedFlag's configuration. Validation (ajv, filling defaults),
 * environment-variable names, the root config.yaml and docs/configuration.md are all
 * derived from this object, so a key documented anywhere exists here and nowhere else.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: {
      type: 'string',
      minLength: 1,
      default: './data',
      description:
        'Directory for everything RedFlag keeps: the embedded database, keys and the management socket. ' +
        'Created with mode 0700 on first start. Relative paths are resolved from the working directory.',
    },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The HTTP server (API, panel, health checks).',
      properties: {
        host: {
          type: 'string',
          minLength: 1,
          default: '0.0.0.0',
          description: 'Address to listen on. Use 127.0.0.1 to keep the API on this host only.',
        },
        port: {
          type: 'integer',
          minimum: 1,
          maximum: 65535,
          default: 8080,
          description: 'TCP port of the HTTP server.',
        },
      },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Where the fleet state lives.',
      properties: {
        url: {
          type: ['string', 'null'],
          pattern: '^postgres(ql)?://',
          default: null,
          description:
            'PostgreSQL connection URL (postgres://user:password@host:5432/db). ' +
            'Unset: an embedded PGlite database in <dataDir>/db, which allows one RedFlag process at a time.',
        },
        schema: {
          type: 'string',
          pattern: '^[a-z_][a-z0-9_]*$',
          maxLength: 63,
          default: 'public',
          description: 'PostgreSQL schema holding RedFlag tables (lets RedFlag share a database).',
        },
        poolMax: {
          type: 'integer',
          minimum: 1,
          maximum: 100,
          default: 10,
          description: 'Most PostgreSQL connections the core opens. Ignored for PGlite (always one).',
        },
        connectTimeoutMs: {
          type: 'integer',
          minimum: 100,
          maximum: 600000,
          default: 10000,
          description: 'How long start-up waits for the database before giving up.',
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Logging (pino, JSON lines on stdout).',
      properties: {
        level: {
          type: 'string',
          enum: [...LOG_LEVELS],
          default: 'info',
          description: 'Least severe level written.',
        },
      },
    },
    shutdown: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Behaviour on SIGINT/SIGTERM.',
      properties: {
        timeoutMs: {
          type: 'integer',
          minimum: 100,
          maximum: 10000,
          default: 10000,
          description:
            'Longest wait for in-flight requests before the core exits anyway (at most 10 s, so ' +
            'systemd and the Home Assistant supervisor never have to kill it).',
        },
      },
    },
  },
} as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated configuration, every default filled in. */
export interface RedflagConfig {
  dataDir: string;
  http: { host: string; port: number };
  database: { url: string | null; schema: string; poolMax: number; connectTimeoutMs: number };
  log: { level: LogLevel };
  shutdown: { timeoutMs: number };
}
