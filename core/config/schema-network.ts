/** The port of a listener that is off until one is set. */
const listenerPort = (description: string) =>
  ({ type: ['integer', 'null'], minimum: 1, maximum: 65535, default: null, description }) as const;

/** The HTTP server and the MQTT broker agents connect to. Part of configSchema (schema.ts). */
export const networkSections = {
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
          port: listenerPort('TLS port (8883 is usual; 8884 avoids a local Mosquitto).'),
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
          port: listenerPort('WebSocket port; unset disables the listener.'),
        },
      },
    },
  },
} as const;
