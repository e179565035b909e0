import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';

/** `AB:CD:…` (or without colons, any case) → `AB:CD:…`, as Node reports `fingerprint256`. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.match(/.{2}/g)?.join(':') ?? '';
}

export class FingerprintMismatch extends Error {
  override readonly name = 'FingerprintMismatch';
  readonly code = 'ERR_PVE_FINGERPRINT';
  constructor(
    readonly got: string,
    readonly pinned: string,
  ) {
    super(`the server's certificate has SHA-256 fingerprint ${got}, the config pins ${pinned}`);
  }
}

/**
 * An HTTPS agent that trusts exactly one certificate, by its SHA-256 fingerprint (PVE's
 * self-signed node certificates): the connection is handed to the request only after the
 * handshake and the pin check, so not a byte of the request, token included, reaches a server
 * with another certificate.
 */
class PinnedAgent extends Agent {
  constructor(
    private readonly pinned: string,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: ConnectionOptions,
    done?: (err: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    const socket: TLSSocket = connect({ ...options, rejectUnauthorized: false });
    const fail = (err: Error) => {
      socket.destroy();
      done?.(err, socket);
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      const got = socket.getPeerCertificate().fingerprint256 ?? '';
      if (got !== this.pinned) return fail(new FingerprintMismatch(got, this.pinned));
      done?.(null, socket);
    });
    return undefined;
  }
}

export interface TlsSettings {
  fingerprint?: string;
  caFile?: string;
}

/** The agent for one endpoint: a pinned fingerprint, a CA file, or the system's trust store. */
export function endpointAgent(tls: TlsSettings): Agent {
  const common: AgentOptions = { keepAlive: true, maxSockets: 16 };
  if (tls.fingerprint) return new PinnedAgent(normalizeFingerprint(tls.fingerprint), common);
  if (tls.caFile) return new Agent({ ...common, ca: readFileSync(tls.caFile) });
  return new Agent(common);
}
