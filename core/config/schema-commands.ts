/** Commands sent to agents and the live stream the panel follows. Part of configSchema (schema.ts). */
export const commandsSections = {
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
} as const;
