import type { JsonSchema } from '../sdk/index.js';

/** `plugins.config.homeassistant` (docs/plugins.md "Home Assistant"). */
export interface HomeAssistantConfig {
  /** Home Assistant's MQTT broker: `mqtt://host:1883` or `mqtts://host:8883`. */
  brokerUrl: string;
  /** HA's discovery prefix (its MQTT integration's setting). */
  discoveryPrefix: string;
  /** Where RedFlag's own state, availability and command topics live on that broker. */
  topicPrefix: string;
  /** The MQTT client id; one per core sharing the broker. */
  clientId: string;
  /** Whether an install from HA's update dialog approves and installs (issue 26 §1). */
  allowInstall: boolean;
  /**
   * The panel's address as HA users reach it, for `release_url` and the device's link: its own
   * (`http://redflag.lan:8080`) or HA's ingress page for the add-on (`<ha>/hassio/ingress/<slug>`,
   * panel-links.ts).
   */
  panelUrl: string | null;
  /** After HA's `online` on `<prefix>/status`, discovery is re-sent after a random delay up to this. */
  rediscoveryMaxDelayMs: number;
  /** A burst of changes on one host within this becomes one publish per entity. */
  coalesceMs: number;
  /** A host's states go out at most once per this (HA's recorder writes every state). */
  minIntervalMs: number;
  /** Wait between reconnect attempts to the broker. */
  reconnectMs: number;
}

export interface HomeAssistantSecrets {
  username?: string;
  password?: string;
}

const TOPIC_WORD = '^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$';

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['brokerUrl'],
  properties: {
    brokerUrl: { type: 'string', pattern: '^mqtts?://[^\\s/]+(:[0-9]+)?/?$' },
    discoveryPrefix: { type: 'string', pattern: TOPIC_WORD, default: 'homeassistant' },
    topicPrefix: { type: 'string', pattern: TOPIC_WORD, default: 'redflag' },
    clientId: { type: 'string', minLength: 1, maxLength: 64, default: 'redflag-core' },
    allowInstall: { type: 'boolean', default: false },
    panelUrl: { type: ['string', 'null'], pattern: '^https?://', default: null },
    rediscoveryMaxDelayMs: { type: 'integer', minimum: 0, maximum: 60_000, default: 5000 },
    coalesceMs: { type: 'integer', minimum: 0, maximum: 10_000, default: 250 },
    minIntervalMs: { type: 'integer', minimum: 0, maximum: 60_000, default: 1000 },
    reconnectMs: { type: 'integer', minimum: 100, maximum: 300_000, default: 5000 },
  },
};

export const secretsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1 },
    password: { type: 'string' },
  },
};
