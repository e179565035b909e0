/**
 * The one description of RedFlag's configuration. Validation (ajv, filling defaults),
 * environment-variable names, the root config.yaml and docs/configuration.md are all
 * derived from this object, so a key documented anywhere exists here and nowhere else.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;

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
        publicUrl: {
          type: ['string', 'null'],
          pattern: '^https?://[^/]+',
          default: null,
          description:
            'URL agents and browsers use to reach this core (http://redflag.lan:8080), put in install ' +
            'commands. Unset: http://<this host name>:<http.port>.',
        },
        corsOrigins: {
          type: 'array',
          items: { type: 'string', pattern: '^https?://[^/?#\\s]+$' },
          maxItems: 100,
          default: [],
          description:
            'Web pages on other origins that may call the API with a bearer token, each an exact origin ' +
            '(https://homepage.lan, http://192.168.1.5:3000): the Lovelace card or the dashboard web ' +
            'component on Homepage, Homarr or Dashy. Requests from these origins are answered with CORS ' +
            'headers and authenticate with `Authorization: Bearer` only, never the session cookie. ' +
            'Empty: no CORS headers at all. Environment: a JSON list (REDFLAG_HTTP_CORS_ORIGINS=\'["https://homepage.lan"]\').',
        },
      },
    },
    broker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The embedded MQTT broker agents connect to.',
      properties: {
        host: {
          type: 'string',
          minLength: 1,
          default: '0.0.0.0',
          description: 'Address the MQTT listeners bind to.',
        },
        port: {
          type: 'integer',
          minimum: 1,
          maximum: 65535,
          default: 1884,
          description:
            'Plain MQTT (TCP) port. 1884, not 1883, so RedFlag runs beside the Mosquitto broker most ' +
            'Home Assistant installations already have on 1883.',
        },
        publicUrl: {
          type: ['string', 'null'],
          pattern: '^(mqtts?|wss?)://[^/]+',
          default: null,
          description:
            'Broker URL handed to agents at enrollment (mqtts://redflag.lan:8884). Unset: the TLS ' +
            'listener when configured, else mqtt://<host of http.publicUrl>:<broker.port>.',
        },
        topicPrefix: {
          type: 'string',
          pattern: '^[a-z][a-z0-9_-]{0,31}$',
          default: 'rf',
          description: 'First topic level of every RedFlag topic (rf/v1/agents/...).',
        },
        maxClockSkewSec: {
          type: 'integer',
          minimum: 30,
          maximum: 3600,
          default: 300,
          description: 'How far an agent clock may differ from the core clock when it connects.',
        },
        tls: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Optional MQTT over TLS listener; enabled when port, cert and key are all set.',
          properties: {
            port: {
              type: ['integer', 'null'],
              minimum: 1,
              maximum: 65535,
              default: null,
              description: 'TLS port (8883 is usual; 8884 avoids a local Mosquitto).',
            },
            cert: {
              type: ['string', 'null'],
              minLength: 1,
              default: null,
              description: 'PEM certificate chain file.',
            },
            key: {
              type: ['string', 'null'],
              minLength: 1,
              default: null,
              description: 'PEM private key file.',
            },
          },
        },
        websocket: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Optional MQTT over WebSocket listener, for agents behind HTTP-only proxies.',
          properties: {
            port: {
              type: ['integer', 'null'],
              minimum: 1,
              maximum: 65535,
              default: null,
              description: 'WebSocket port; unset disables the listener.',
            },
          },
        },
      },
    },
    commands: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The command queue: how long commands wait and run before they time out.',
      properties: {
        waitHours: {
          type: 'integer',
          minimum: 1,
          maximum: 720,
          default: 24,
          description:
            'How long a command waits for an offline agent; after that it is timed out instead of sent ' +
            '(a stale install should not run days later without a person deciding again).',
        },
        timeoutSeconds: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'Longest time from acknowledgement to result, by command type.',
          properties: {
            default: {
              type: 'integer',
              minimum: 10,
              maximum: 86400,
              default: 3600,
              description: 'Any type not listed here.',
            },
            scan: { type: 'integer', minimum: 10, maximum: 86400, default: 1800, description: 'Scans.' },
            dry_run: { type: 'integer', minimum: 10, maximum: 86400, default: 900, description: 'Dry runs.' },
            install: {
              type: 'integer',
              minimum: 10,
              maximum: 86400,
              default: 7200,
              description: 'Installs (a kernel or a big dist-upgrade can take a while on a Raspberry Pi).',
            },
            reboot: { type: 'integer', minimum: 10, maximum: 86400, default: 900, description: 'Reboots.' },
          },
        },
        outputMaxLines: {
          type: 'integer',
          minimum: 10,
          maximum: 100000,
          default: 5000,
          description:
            'Most output lines stored per command (GET /api/v1/commands/{id}/output). The first lines ' +
            'are kept, then one line saying the rest was cut; the last lines of the output are in the ' +
            "command's result anyway. Bounds what a chatty apt run can put on disk.",
        },
        outputMaxKiB: {
          type: 'integer',
          minimum: 16,
          maximum: 65536,
          default: 1024,
          description:
            'Most output stored per command in KiB (line text), whichever of the two caps comes first.',
        },
      },
    },
    live: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description:
        'The live event stream (GET /api/v1/live, a WebSocket): what a reconnecting client can catch up ' +
        'on, and how dead or slow clients are dropped.',
      properties: {
        bufferSize: {
          type: 'integer',
          minimum: 100,
          maximum: 1000000,
          default: 10000,
          description:
            'Events kept in memory for clients that reconnect with `since`; a client asking for an older ' +
            'id gets a `reset` and reloads. Kept per core instance, lost on restart.',
        },
        heartbeatSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 300,
          default: 30,
          description:
            'Interval of WebSocket pings and heartbeat messages; a client that has not answered the ' +
            'previous ping is disconnected.',
        },
        maxQueuedKiB: {
          type: 'integer',
          minimum: 16,
          maximum: 65536,
          default: 1024,
          description:
            'Most data waiting to be sent to one client; a client that falls further behind is ' +
            'disconnected (close code 4008) instead of slowing the core down.',
        },
        sessionCheckSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 3600,
          default: 60,
          description:
            'How often a stream checks that the session or API token it was opened with is still ' +
            'valid, for ends elsewhere (expired, signed out or revoked through another core, a token ' +
            'whose user was disabled); one ended on this core closes its streams at once (close code 4001).',
        },
      },
    },
    security: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Server signing keys and refusal logging.',
      properties: {
        keyRotationOverlapHours: {
          type: 'integer',
          minimum: 1,
          maximum: 8760,
          default: 168,
          description:
            'After `redflag keys rotate`, how long commands signed with the previous key still verify ' +
            '(agents that were offline learn the new key when they reconnect).',
        },
        refusalEventsPerMinute: {
          type: 'integer',
          minimum: 1,
          maximum: 10000,
          default: 30,
          description:
            'Most refused-connection events recorded per minute for one source address and claimed agent ' +
            'id together, and rejected-message events for one agent; the rest are counted and summarised, ' +
            "so a flood cannot fill the events table nor hide another address's refusals.",
        },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Users, sessions, login rate limits and Home Assistant ingress.',
      properties: {
        sessionHours: {
          type: 'integer',
          minimum: 1,
          maximum: 8760,
          default: 168,
          description: 'How long a panel login lasts before the user signs in again.',
        },
        maxFailures: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          default: 10,
          description:
            'Failed logins (or refused agent registrations) from one address within failureWindowMinutes ' +
            'before further attempts answer 429 and a security event is recorded.',
        },
        failureWindowMinutes: {
          type: 'integer',
          minimum: 1,
          maximum: 1440,
          default: 15,
          description: 'The window the failures are counted in; the address is refused until it ends.',
        },
        ingress: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Home Assistant ingress: the Supervisor proxies the panel and names the signed-in HA user ' +
            'in X-Remote-User-* headers.',
          properties: {
            enabled: {
              type: 'boolean',
              default: false,
              description:
                'Trust X-Remote-User-* headers from trustedProxy; turn on when running as the Home Assistant add-on.',
            },
            trustedProxy: {
              type: 'string',
              minLength: 1,
              default: '172.30.32.2',
              description:
                "Address of the Supervisor's ingress proxy; the headers from any other address are ignored.",
            },
            role: {
              type: 'string',
              enum: ['admin', 'operator', 'viewer'],
              default: 'admin',
              description: 'Role of Home Assistant users coming in through ingress.',
            },
          },
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
            '(`config: { proxmox: { url: https://pve.lan:8006 } }`). Environment: a JSON object.',
        },
        secrets: {
          type: 'object',
          default: {},
          description:
            "Each plugin's secrets (API tokens, passwords) by plugin name, checked against its secrets schema; " +
            'never shown by the API or written to the log. Prefer the environment: ' +
            'REDFLAG_PLUGINS_SECRETS=\'{"proxmox":{"tokenSecret":"…"}}\'.',
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
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The validated configuration, every default filled in. */
export interface RedflagConfig {
  dataDir: string;
  http: { host: string; port: number; publicUrl: string | null; corsOrigins: string[] };
  broker: {
    host: string;
    port: number;
    publicUrl: string | null;
    topicPrefix: string;
    maxClockSkewSec: number;
    tls: { port: number | null; cert: string | null; key: string | null };
    websocket: { port: number | null };
  };
  security: { keyRotationOverlapHours: number; refusalEventsPerMinute: number };
  auth: {
    sessionHours: number;
    maxFailures: number;
    failureWindowMinutes: number;
    ingress: { enabled: boolean; trustedProxy: string; role: 'admin' | 'operator' | 'viewer' };
  };
  commands: {
    waitHours: number;
    timeoutSeconds: { default: number; scan: number; dry_run: number; install: number; reboot: number };
    outputMaxLines: number;
    outputMaxKiB: number;
  };
  live: { bufferSize: number; heartbeatSeconds: number; maxQueuedKiB: number; sessionCheckSeconds: number };
  database: { url: string | null; schema: string; poolMax: number; connectTimeoutMs: number };
  log: { level: LogLevel; format: LogFormat };
  shutdown: { timeoutMs: number };
  localAgent: { enabled: boolean };
  agentBundle: { path: string | null };
  plugins: {
    enabled: string[];
    directory: string | null;
    config: Record<string, Record<string, unknown>>;
    secrets: Record<string, unknown>;
  };
}
