import { request, type Agent } from 'node:https';
import type { Clock } from '../sdk/index.js';
import {
  isCertificateCode,
  isUnreachableCode,
  missingPrivilege,
  PveError,
  type PveErrorCode,
} from './pve-errors.js';
import { endpointAgent, FingerprintMismatch } from './tls.js';

export interface EndpointConfig {
  /** Names the endpoint in errors, secrets and the tree: `home`, `lab`. */
  name: string;
  /** `https://pve1.lan:8006` */
  url: string;
  /** `USER@REALM!TOKENID` */
  tokenId: string;
  fingerprint?: string;
  caFile?: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

/** Beyond this an answer is not PVE's (a /cluster/resources of 10,000 guests is a few MiB). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** Retried: the host or a proxy in front of it may come back; a refusal or a bad answer will not. */
const RETRIED: ReadonlySet<PveErrorCode> = new Set(['pve_unreachable', 'pve_timeout']);
const RETRIED_STATUS = new Set([502, 503, 504]);

export interface PveClient {
  readonly endpoint: string;
  /** The `data` of `GET /api2/json<path>`; throws a PveError naming the endpoint and path. */
  get(path: string, signal?: AbortSignal): Promise<unknown>;
  /** How many HTTP requests it made (the benchmark's requests per guest). */
  readonly requests: number;
  close(): void;
}

/**
 * A read-only client of one PVE endpoint with an API token (`PVEAPIToken=USER@REALM!ID=SECRET`):
 * a time limit per request, retries with backoff for an unreachable host or a busy proxy, and
 * errors that say what to fix. The secret only ever goes into the Authorization header.
 */
export function createPveClient(config: EndpointConfig, secret: string, clock: Clock): PveClient {
  const agent: Agent = endpointAgent(config);
  const base = new URL('/api2/json', config.url);
  const authorization = `PVEAPIToken=${config.tokenId}=${secret}`;
  let requests = 0;

  async function once(path: string, signal?: AbortSignal): Promise<unknown> {
    requests++;
    const url = new URL(`${base.pathname}${path}`, base);
    const fail = (code: PveErrorCode, message: string, cause?: unknown) =>
      new PveError(config.name, path, code, message, { cause });
    const { status, contentType, body } = await new Promise<{
      status: number;
      contentType: string;
      body: Buffer;
    }>((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        agent,
        headers: { authorization, accept: 'application/json' },
        timeout: config.timeoutMs,
        signal,
      });
      req.on('timeout', () =>
        req.destroy(fail('pve_timeout', `no answer within ${config.timeoutMs} ms from ${url.host}`)),
      );
      req.on('error', (err: NodeJS.ErrnoException) => reject(classifySocketError(err, url.host, fail)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES)
            return req.destroy(fail('pve_malformed', `the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
          chunks.push(chunk);
        });
        res.on('error', (err) => reject(classifySocketError(err, url.host, fail)));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.end();
    });
    const envelope = parseEnvelope(body, contentType, status, fail);
    if (status === 401)
      throw fail(
        'pve_auth',
        `the API token ${config.tokenId} was refused (401 ${envelope?.message ?? 'authentication failure'}); check tokenId and its secret`,
      );
    if (status === 403) {
      const text = envelope?.message ?? '';
      const missing = missingPrivilege(text);
      throw new PveError(
        config.name,
        path,
        'pve_privilege',
        missing
          ? `the token ${config.tokenId} lacks ${missing.privilege} on ${missing.path} (the PVEAuditor role on / gives it)`
          : `forbidden (403 ${text.trim() || 'no reason given'})`,
        { details: missing ?? {} },
      );
    }
    if (status < 200 || status >= 300) {
      const error = fail('pve_http', `HTTP ${status}: ${(envelope?.message ?? '').trim() || 'no message'}`);
      if (RETRIED_STATUS.has(status)) Object.assign(error, { retry: true });
      throw error;
    }
    if (!envelope) throw fail('pve_malformed', `the answer is not PVE's JSON envelope`);
    return envelope.data;
  }

  return {
    endpoint: config.name,
    get requests() {
      return requests;
    },
    async get(path, signal) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(path, signal);
        } catch (err) {
          const retriable =
            err instanceof PveError && (RETRIED.has(err.pveCode) || (err as { retry?: boolean }).retry);
          if (!retriable || attempt >= config.retries || signal?.aborted) throw err;
          await clock.sleep(config.retryDelayMs * 2 ** attempt, signal);
        }
      }
    },
    close: () => agent.destroy(),
  };
}

type Fail = (code: PveErrorCode, message: string, cause?: unknown) => PveError;

function classifySocketError(err: NodeJS.ErrnoException, host: string, fail: Fail): Error {
  if (err instanceof PveError) return err;
  if (err.name === 'AbortError') return err;
  if (err instanceof FingerprintMismatch) return fail('pve_certificate', err.message, err);
  if (isCertificateCode(err.code))
    return fail(
      'pve_certificate',
      `the certificate of ${host} is not trusted (${err.code}: ${err.message}); pin its fingerprint or give caFile`,
      err,
    );
  if (isUnreachableCode(err.code)) return fail('pve_unreachable', `${host} unreachable (${err.code})`, err);
  return fail('pve_unreachable', `${host}: ${err.message}`, err);
}

/**
 * PVE answers `{"data": …}`, and `{"data": null, "message": "…"}` with an error status. An
 * HTML page from a proxy, or JSON cut short, is malformed on a 2xx and ignored on an error
 * status (the status says enough).
 */
function parseEnvelope(
  body: Buffer,
  contentType: string,
  status: number,
  fail: Fail,
): { data: unknown; message?: string } | null {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    if (status < 200 || status >= 300) return null;
    const preview = text.slice(0, 60).replace(/\s+/g, ' ');
    throw fail(
      'pve_malformed',
      `the answer is not JSON (${contentType || 'no content type'}, ${body.length} bytes: ${JSON.stringify(preview)}): ${(err as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) {
    if (status < 200 || status >= 300) return null;
    throw fail('pve_malformed', 'the answer has no "data" member');
  }
  const envelope = parsed as { data: unknown; message?: unknown };
  return {
    data: envelope.data,
    ...(typeof envelope.message === 'string' ? { message: envelope.message } : {}),
  };
}
