import {
  generateKeyPair,
  isAgentId,
  isValidTopicPrefix,
  keyFingerprint,
  parseRegistrationToken,
} from '../../broker/protocol/index.js';
import type { RegistrationAnswer, RegistrationBody } from '../../broker/protocol/api-types.js';
import type { AgentConfig, RegisteredConfig } from '../config/agent-config.js';
import { AGENT_VERSION } from '../version.js';
import { hostInfo, macAddresses, machineIdHash } from './host-info.js';

export type RegistrationErrorKind =
  /** The token is not an rf1_ token: a usage error. */
  | 'invalid_token'
  /** The server answered 4xx/5xx; its message is in the error. */
  | 'refused'
  | 'unreachable'
  /** The server's key is not the one the token was issued for (DESIGN.md §3.1). */
  | 'key_mismatch'
  | 'bad_response';

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly kind: RegistrationErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RegisterRequest {
  serverUrl: string;
  token: string;
  machineIdFile: string;
  /** Overrides the broker URL the server hands out (when its guess is not reachable from here). */
  brokerUrl?: string;
  tlsCa?: string;
  /** Local settings (plugins, reboot, intervals) survive a re-registration. */
  existing: AgentConfig;
  timeoutMs?: number;
}

/**
 * Enrols this host (DESIGN.md §3.1): a fresh Ed25519 key pair, `POST /api/v1/agents/register`,
 * then the server key is pinned to the fingerprint the token carries. Only that key is
 * trusted: anything else the server lists could be an impostor's, and later keys arrive
 * through signed `set_config` commands.
 */
export async function registerWithServer(
  req: RegisterRequest,
): Promise<{ config: RegisteredConfig; rebound: boolean }> {
  const token = parseRegistrationToken(req.token);
  if ('error' in token)
    throw new RegistrationError('invalid_token', `invalid registration token: ${token.error}`);
  const base = req.serverUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base))
    throw new RegistrationError(
      'invalid_token',
      `--server must be an http:// or https:// URL, got ${JSON.stringify(req.serverUrl)}`,
    );

  const keys = generateKeyPair();
  const host = hostInfo();
  const body: RegistrationBody = {
    token: req.token,
    publicKey: keys.publicKey,
    machineIdHash: machineIdHash(req.machineIdFile),
    hostname: host.hostname,
    os: [host.os.name, host.os.version && !host.os.name.includes(host.os.version) ? host.os.version : '']
      .filter(Boolean)
      .join(' ')
      .slice(0, 200),
    arch: host.arch.slice(0, 32),
    agentVersion: AGENT_VERSION,
    macAddresses: macAddresses(),
  };
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1/agents/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(req.timeoutMs ?? 30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new RegistrationError('unreachable', `cannot reach ${base}: ${cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // handled below
  }
  if (res.status !== 201) {
    const message = (json as { error?: { message?: unknown } } | null)?.error?.message;
    throw new RegistrationError(
      'refused',
      typeof message === 'string' ? message : `the server answered HTTP ${res.status}`,
      res.status,
    );
  }
  const answer = checkResponse(json);
  const pinned = safeFingerprint(answer.serverPublicKey);
  if (pinned !== token.fingerprint)
    throw new RegistrationError(
      'key_mismatch',
      `the server's signing key (${pinned ?? 'unreadable'}) is not the key this token was issued for (${token.fingerprint}): ` +
        'either this is not the server that made the token, or its key was rotated since; nothing was saved. Ask for a new token.',
    );

  const config: RegisteredConfig = {
    ...req.existing,
    server: {
      url: base,
      brokerUrl: req.brokerUrl ?? answer.brokerUrl,
      topicPrefix: answer.topicPrefix,
      ...(req.tlsCa ? { tlsCa: req.tlsCa } : {}),
    },
    identity: {
      agentId: answer.agentId,
      privateKey: keys.privateKey,
      publicKey: keys.publicKey,
      machineIdFile: req.machineIdFile,
      registeredAt: new Date().toISOString(),
    },
    serverKeys: { [pinned]: answer.serverPublicKey },
  };
  return { config, rebound: answer.rebound };
}

function checkResponse(json: unknown): RegistrationAnswer {
  const r = json as Partial<RegistrationAnswer> | null;
  const bad = (what: string) =>
    new RegistrationError('bad_response', `the server's answer is not a registration: ${what}`);
  if (!r || typeof r !== 'object') throw bad('not a JSON object');
  if (!isAgentId(r.agentId)) throw bad('agentId is not an agent id');
  if (typeof r.serverPublicKey !== 'string') throw bad('serverPublicKey is missing');
  if (typeof r.brokerUrl !== 'string' || !/^(mqtts?|wss?):\/\//.test(r.brokerUrl))
    throw bad('brokerUrl is not an MQTT URL');
  if (!isValidTopicPrefix(r.topicPrefix)) throw bad('topicPrefix is not a topic prefix');
  return { ...r, rebound: r.rebound === true } as RegistrationAnswer;
}

function safeFingerprint(publicKey: string): string | null {
  try {
    return keyFingerprint(publicKey);
  } catch {
    return null;
  }
}
