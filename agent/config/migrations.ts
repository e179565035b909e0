import {
  isAgentId,
  isValidTopicPrefix,
  keyFingerprint,
  publicKeyFromPrivate,
} from '../../broker/protocol/index.js';
import { CONFIG_FORMAT_VERSION, DEFAULT_SCAN_INTERVAL_SEC } from './agent-config.js';

/** A config that cannot be carried to the current format (missing identity, broken key). */
export class MigrationFailure extends Error {
  override readonly name = 'MigrationFailure';
}

export interface StepResult {
  /** The config in the next format. */
  config: Record<string, unknown>;
  /** Settings that could not be carried over and were left out (the outcome is then `partial`). */
  dropped: string[];
}

type Step = (old: Record<string, unknown>) => StepResult;

/**
 * Format 1: the pre-release agent (0.0.x) wrote one flat object with snake_case keys:
 * `{ version: 1, server_url, broker_url, topic_prefix, agent_id, private_key,
 * server_public_key, scan_interval_minutes, allow_reboot, plugins }`.
 * Format 2 groups them (server, identity, serverKeys) and keeps a key ring for rotations.
 */
function v1ToV2(old: Record<string, unknown>): StepResult {
  const dropped: string[] = [];
  const need = (key: string, ok: (v: unknown) => boolean, what: string): string => {
    const value = old[key];
    if (typeof value !== 'string' || !ok(value))
      throw new MigrationFailure(`${key} is missing or not ${what}`);
    return value;
  };
  const agentId = need('agent_id', isAgentId, 'an agent id');
  const privateKey = need(
    'private_key',
    (v) => tryOr(() => publicKeyFromPrivate(v as string), null) !== null,
    'an Ed25519 private key (PEM)',
  );
  const serverKey = need(
    'server_public_key',
    (v) => tryOr(() => keyFingerprint(v as string), null) !== null,
    'an Ed25519 public key',
  );
  const serverUrl = need('server_url', (v) => /^https?:\/\//.test(v as string), 'an http(s) URL');
  const brokerUrl = need('broker_url', (v) => /^(mqtts?|wss?):\/\//.test(v as string), 'an MQTT URL');

  let topicPrefix = 'rf';
  if (old.topic_prefix !== undefined) {
    if (isValidTopicPrefix(old.topic_prefix)) topicPrefix = old.topic_prefix;
    else dropped.push('topic_prefix');
  }
  let defaultIntervalSeconds = DEFAULT_SCAN_INTERVAL_SEC;
  const minutes = old.scan_interval_minutes;
  if (minutes !== undefined) {
    if (typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440)
      defaultIntervalSeconds = minutes * 60;
    else dropped.push('scan_interval_minutes');
  }
  let allowed = false;
  if (old.allow_reboot !== undefined) {
    if (typeof old.allow_reboot === 'boolean') allowed = old.allow_reboot;
    else dropped.push('allow_reboot');
  }
  const plugins: Record<string, unknown> = {};
  if (old.plugins !== undefined) {
    if (isObject(old.plugins)) {
      for (const [name, settings] of Object.entries(old.plugins)) {
        if (/^[a-z][a-z0-9-]{0,63}$/.test(name) && isObject(settings)) plugins[name] = settings;
        else dropped.push(`plugins.${name}`);
      }
    } else dropped.push('plugins');
  }
  const known = new Set([
    'version',
    'server_url',
    'broker_url',
    'topic_prefix',
    'agent_id',
    'private_key',
    'server_public_key',
    'scan_interval_minutes',
    'allow_reboot',
    'plugins',
  ]);
  for (const key of Object.keys(old)) if (!known.has(key)) dropped.push(key);

  return {
    config: {
      formatVersion: 2,
      server: { url: serverUrl, brokerUrl, topicPrefix },
      identity: {
        agentId,
        privateKey,
        publicKey: publicKeyFromPrivate(privateKey),
        machineIdFile: '/etc/machine-id',
        // Format 1 did not record it; the migration is the first moment this agent knows of.
        registeredAt: new Date().toISOString(),
      },
      serverKeys: { [keyFingerprint(serverKey)]: serverKey },
      plugins,
      reboot: { allowed },
      scans: { defaultIntervalSeconds },
    },
    dropped,
  };
}

/** Step from format N to N + 1, by N. */
const STEPS: Readonly<Record<number, Step>> = { 1: v1ToV2 };

/** Runs every step from `from` to the current format; throws MigrationFailure. */
export function migrateConfigObject(from: number, old: Record<string, unknown>): StepResult {
  let current = old;
  const dropped: string[] = [];
  for (let version = from; version < CONFIG_FORMAT_VERSION; version++) {
    const step = STEPS[version];
    if (!step) throw new MigrationFailure(`no migration from config format ${version}`);
    const result = step(current);
    current = result.config;
    dropped.push(...result.dropped);
  }
  return { config: current, dropped };
}

/** The format of a parsed config file, or null when it names none. */
export function detectFormat(value: unknown): number | null {
  if (!isObject(value)) return null;
  const version = value.formatVersion ?? value.version;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryOr<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
