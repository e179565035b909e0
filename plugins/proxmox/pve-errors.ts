import { PluginError } from '../sdk/index.js';

/** Why one request to a PVE endpoint failed; the codes docs/plugins.md "Proxmox" lists. */
export type PveErrorCode =
  | 'pve_auth'
  | 'pve_privilege'
  | 'pve_unreachable'
  | 'pve_timeout'
  | 'pve_certificate'
  | 'pve_malformed'
  | 'pve_http';

/** A failure of one endpoint, naming it and the API path; never carries the token's secret. */
export class PveError extends PluginError {
  constructor(
    readonly endpoint: string,
    readonly path: string,
    code: PveErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(`proxmox endpoint ${endpoint}: GET ${path}: ${message}`, { code, ...options });
  }

  get pveCode(): PveErrorCode {
    return this.code as PveErrorCode;
  }
}

/** PVE's refusal text, `Permission check failed (/vms/101, VM.Audit)`: which path, which privilege. */
export function missingPrivilege(message: string): { path: string; privilege: string } | null {
  const m = /Permission check failed \(([^,)]+),\s*([^)]+)\)/.exec(message);
  return m ? { path: m[1]!.trim(), privilege: m[2]!.trim() } : null;
}

/** Node's socket error codes that mean "nobody answered there". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export function isUnreachableCode(code: unknown): boolean {
  return typeof code === 'string' && UNREACHABLE.has(code);
}

/** TLS verification failures (an untrusted or self-signed chain, a wrong name, an expired cert). */
export function isCertificateCode(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID/.test(code) ||
      code === 'DEPTH_ZERO_SELF_SIGNED_CERT')
  );
}
