/**
 * The one description of RedFlag's configuration. Validation (ajv, filling defaults),
 * environment-variable names, the root config.yaml and docs/configuration.md are all
 * derived from this object, so a key documented anywhere exists here and nowhere else.
 */

import { LOG_FORMATS, LOG_LEVELS } from './log-words.js';
import { networkSections } from './schema-network.js';
import { commandsSections } from './schema-commands.js';
import { accessSections } from './schema-access.js';
import { runtimeSections } from './schema-runtime.js';

export { LOG_FORMATS, LOG_LEVELS };

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
    ...networkSections,
    ...commandsSections,
    ...accessSections,
    ...runtimeSections,
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
  database: {
    url: string | null;
    schema: string;
    poolMax: number;
    connectTimeoutMs: number;
    queryTimeoutMs: number;
    pglite: { settings: Record<string, string | number>; optimizeWasm: boolean };
  };
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
