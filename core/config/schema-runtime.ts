import { LOG_FORMATS, LOG_LEVELS } from './log-words.js';

/** Storage, logs, the local agent, the agent bundle, core plugins and shutdown. Part of configSchema (schema.ts). */
export const runtimeSections = {
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
      queryTimeoutMs: {
        type: 'integer',
        minimum: 100,
        maximum: 600000,
        default: 15000,
        description:
          'The longest one database statement may take, waiting for a free connection included, before it ' +
          'fails with a clear error (the API answers 503 database_unavailable) instead of hanging while ' +
          'PostgreSQL does not answer. Migrations are not bounded. Ignored for PGlite, which runs inside the core.',
      },
      pglite: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description:
          'The embedded PGlite database (no `url`): its memory, sized for a Raspberry Pi or a Home Assistant Green.',
        properties: {
          settings: {
            type: 'object',
            additionalProperties: { type: ['string', 'number'] },
            propertyNames: { pattern: '^[a-z][a-z0-9_.]*$' },
            default: {},
            description:
              'PostgreSQL settings of the embedded database, merged over the small-box defaults ' +
              '`shared_buffers: 8MB`, `max_connections: 5`, `maintenance_work_mem: 16MB`, `temp_buffers: 2MB` ' +
              "(PGlite's own start at 128 MB of shared buffers). A larger `shared_buffers` keeps more of a large " +
              'fleet in memory. Environment: a JSON object ' +
              '(REDFLAG_DATABASE_PGLITE_SETTINGS=\'{"shared_buffers":"64MB"}\').',
          },
          optimizeWasm: {
            type: 'boolean',
            default: false,
            description:
              "Let V8 optimise the database's hot WebAssembly code: faster queries on a large fleet for about " +
              '70 MB more memory. Off: V8 runs it with its baseline compiler only.',
          },
        },
      },
    },
  },
  log: {
    type: 'object',
    additionalProperties: false,
    default: {},
    description: 'Logging (pino, on stdout).',
    properties: {
      level: {
        type: 'string',
        enum: [...LOG_LEVELS],
        default: 'info',
        description: 'Least severe level written.',
      },
      format: {
        type: 'string',
        enum: [...LOG_FORMATS],
        default: 'auto',
        description:
          'How each event is written: `json` (one JSON object a line, for journald, Docker and log ' +
          'collectors), `pretty` (one readable line: time, level, component, message), or `auto`: ' +
          'pretty when stdout is a terminal, JSON otherwise.',
      },
    },
  },
  localAgent: {
    type: 'object',
    additionalProperties: false,
    default: {},
    description: 'An agent for the host the core runs on, managed by the core (`npm start` turns it on).',
    properties: {
      enabled: {
        type: 'boolean',
        default: false,
        description:
          'Enrol and run `redflag-agent` for this host, with its files in <dataDir>/local-agent. ' +
          'Off in the Home Assistant add-on, whose container is not the host to update.',
      },
    },
  },
  agentBundle: {
    type: 'object',
    additionalProperties: false,
    default: {},
    description:
      'The agent bundle served to install.sh and sent with update_agent (docs/agent.md, "Installing on other hosts").',
    properties: {
      path: {
        type: ['string', 'null'],
        minLength: 1,
        default: null,
        description:
          'A prebuilt bundle (`npm run build:agent`) to serve. Unset: the core builds one from its own ' +
          'sources at start, cached in <dataDir>/agent-bundle.',
      },
    },
  },
  plugins: {
    type: 'object',
    additionalProperties: false,
    default: {},
    description:
      "The core's integration and notifier plugins (docs/plugins.md). Package-manager plugins run in the " +
      'agents and are set up in the panel (Settings, Plugins).',
    properties: {
      enabled: {
        type: 'array',
        items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
        uniqueItems: true,
        maxItems: 50,
        default: [],
        description:
          'Integration and notifier plugins to load, by folder name under `plugins.directory`. ' +
          'Environment: a JSON list (REDFLAG_PLUGINS_ENABLED=\'["proxmox"]\').',
      },
      directory: {
        type: ['string', 'null'],
        minLength: 1,
        default: null,
        description:
          "Folder holding one folder per plugin (`<name>/index.js`). Unset: this RedFlag's own plugins/ folder.",
      },
      config: {
        type: 'object',
        additionalProperties: { type: 'object' },
        default: {},
        description:
          "Each plugin's settings by plugin name, checked against the plugin's own schema " +
          '(`config: { proxmox: { endpoints: [{ name: home, url: https://pve1.lan:8006, tokenId: … }] } }`). ' +
          'Environment: a JSON object.',
      },
      secrets: {
        type: 'object',
        default: {},
        description:
          "Each plugin's secrets (API tokens, passwords) by plugin name, checked against its secrets schema; " +
          'never shown by the API or written to the log. Prefer the environment: ' +
          'REDFLAG_PLUGINS_SECRETS=\'{"proxmox":{"tokens":{"home":"…"}}}\'.',
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
} as const;
