import { signBytes, verifyBytes } from './keys.js';

/**
 * The agent bundle (a single-file build of the agent) is signed by the server's Ed25519 key.
 * The signature covers a statement naming the version and the SHA-256 of the bundle's bytes,
 * not the bytes themselves: it binds both, and a verifier hashes the file once.
 * install.sh checks it with node:crypto before installing, and `update_agent` before swapping.
 */

export const AGENT_BUNDLE_SIGNING_CONTEXT = 'rf-agent-bundle';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const VERSION_RE = /^[0-9A-Za-z.+-]{1,64}$/;

/** `rf-agent-bundle\n<version>\n<sha256 hex>`, the UTF-8 text that is signed. */
export function agentBundleSigningPayload(version: string, sha256: string): string {
  if (!VERSION_RE.test(version)) throw new TypeError(`not an agent version: ${JSON.stringify(version)}`);
  if (!SHA256_HEX.test(sha256)) throw new TypeError('sha256 must be 64 lowercase hex digits');
  return `${AGENT_BUNDLE_SIGNING_CONTEXT}\n${version}\n${sha256}`;
}

export function signAgentBundle(privateKeyPem: string, version: string, sha256: string): string {
  return signBytes(privateKeyPem, agentBundleSigningPayload(version, sha256));
}

/** True only when `signature` is that key's signature of that version and hash. Never throws. */
export function verifyAgentBundle(
  publicKeyB64: string,
  version: string,
  sha256: string,
  signature: string,
): boolean {
  if (!VERSION_RE.test(version) || !SHA256_HEX.test(sha256)) return false;
  return verifyBytes(publicKeyB64, agentBundleSigningPayload(version, sha256), signature);
}

/** Params of an `update_agent` command (docs/protocol.md): what the agent downloads and checks. */
export interface UpdateAgentParams {
  version: string;
  /** Where the bundle is: an absolute http(s) URL, or a path on the core (`/api/v1/agent-bundle/…`). */
  url: string;
  sha256: string;
  size: number;
  /** The server's signature (base64) of `agentBundleSigningPayload(version, sha256)`. */
  signature: string;
  /** The key that made `signature`; one of the agent's trusted server keys. */
  keyId: string;
  /** How long the new version has to connect before it is rolled back (default 120 s). */
  connectTimeoutSeconds?: number;
  timeoutSeconds?: number;
}

export const AGENT_BUNDLE_MAX_BYTES = 64 * 1024 * 1024;
export const UPDATE_CONNECT_TIMEOUT_DEFAULT_SEC = 120;

/** JSON schema of `update_agent` params, used by the core before signing and by the agent before running. */
export const updateAgentParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'url', 'sha256', 'size', 'signature', 'keyId'],
  properties: {
    version: { type: 'string', pattern: VERSION_RE.source },
    url: { type: 'string', minLength: 1, maxLength: 2048, pattern: '^(https?://|/)' },
    sha256: { type: 'string', pattern: SHA256_HEX.source },
    size: { type: 'integer', minimum: 1, maximum: AGENT_BUNDLE_MAX_BYTES },
    signature: { type: 'string', minLength: 86, maxLength: 90 },
    keyId: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' },
    connectTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600 },
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 7 * 86400 },
  },
} as const;
