/** Security limits and how people sign in. Part of configSchema (schema.ts). */
export const accessSections = {
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
            default: 'viewer',
            description:
              'Role a Home Assistant user starts with on their first sign-in through ingress; an admin ' +
              'may promote them later (Settings → Users or PATCH /api/v1/users/{id}) and that role lasts.',
          },
        },
      },
    },
  },
} as const;
