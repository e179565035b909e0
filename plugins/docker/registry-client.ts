import { createHash } from 'node:crypto';
import type { RegistryCredentials } from './config.js';
import { readBoundedBody } from './bounded-body.js';
import type { ImageReference } from './image-reference.js';
import { DIGEST_PATTERN, isIndexType, isManifestType, MANIFEST_ACCEPT } from './media-types.js';
import { readRateLimit } from './rate-limit.js';
import { RegistryError } from './registry-errors.js';
import { TokenCache } from './registry-tokens.js';
import { type Challenge, parseChallenge } from './www-authenticate.js';

export interface RegistryClientOptions {
  credentials(domain: string, signal: AbortSignal): Promise<RegistryCredentials | null>;
  /** Spoken to over plain HTTP. */
  insecure(domain: string): boolean;
  timeoutMs: number;
  maxManifestBytes: number;
  /** How long a scan waits for a 429's reset before it reports the image as rate limited. */
  maxRateLimitWaitMs: number;
  now?: () => number;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
}

export interface IndexEntry {
  digest: string;
  mediaType: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

// Indexes read, by digest; the oldest is dropped beyond this.
const MAX_CACHED_INDEXES = 2000;

type Image = Pick<ImageReference, 'registry' | 'domain' | 'repository'>;

interface RegistryState {
  /** The registry's last challenge: new repositories get a token before their first request. */
  challenge?: Challenge;
  /** No request before this (ms since the epoch): a 429 said so. */
  blockedUntil: number;
  rateLimitRemaining?: number;
  /** The first request to a registry whose challenge is not known yet. */
  probe?: Promise<void>;
}

/**
 * A client of the distribution API (OCI distribution spec) that asks for manifests with HEAD
 * only, so a check costs no pull on Docker Hub; the one GET is of an index whose entry for
 * this host's platform must be read. Tokens, challenges and rate limits are kept per registry
 * across scans.
 */
export class RegistryClient {
  private readonly tokens: TokenCache;
  private readonly registries = new Map<string, RegistryState>();
  private readonly indexes = new Map<string, IndexEntry[]>();
  private readonly now: () => number;
  /** Requests sent to registries (not token realms), for the benchmark's count. */
  requests = 0;

  constructor(private readonly options: RegistryClientOptions) {
    this.now = options.now ?? Date.now;
    this.tokens = new TokenCache(this.now, options.timeoutMs);
  }

  get tokenRequests(): number {
    return this.tokens.requests;
  }

  /** The lowest `ratelimit-remaining` each registry reported, for the scan's metadata. */
  rateLimitRemaining(registry: string): number | undefined {
    return this.registries.get(registry)?.rateLimitRemaining;
  }

  /** The digest the registry has for a tag (or digest): HEAD with all four manifest types. */
  async headManifest(image: Image, reference: string, signal: AbortSignal): Promise<ManifestHead> {
    const response = await this.send(image, `manifests/${reference}`, 'HEAD', signal);
    await response.body?.cancel();
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const digest = response.headers.get('docker-content-digest') ?? '';
    if (!isManifestType(mediaType))
      throw new RegistryError(
        'bad-answer',
        `${describe(image, reference)}: not a manifest (${mediaType || 'no type'})`,
      );
    if (!DIGEST_PATTERN.test(digest))
      throw new RegistryError(
        'bad-answer',
        `${describe(image, reference)}: no Docker-Content-Digest in the answer`,
      );
    return { digest, mediaType };
  }

  /**
   * The entries of an index, read by digest and checked against it. An index never changes
   * under its digest, so each is read once: a GET counts as a pull on Docker Hub, and an index
   * changed on another platform only would otherwise be read again at every scan.
   */
  async getIndex(image: Image, digest: string, signal: AbortSignal): Promise<IndexEntry[]> {
    const key = `${image.registry}/${image.repository}@${digest}`;
    const known = this.indexes.get(key);
    if (known) return known;
    const entries = await this.readIndex(image, digest, signal);
    if (this.indexes.size >= MAX_CACHED_INDEXES) this.indexes.delete(this.indexes.keys().next().value!);
    this.indexes.set(key, entries);
    return entries;
  }

  private async readIndex(image: Image, digest: string, signal: AbortSignal): Promise<IndexEntry[]> {
    const response = await this.send(image, `manifests/${digest}`, 'GET', signal);
    const what = describe(image, digest);
    const body = await readBoundedBody(response, this.options.maxManifestBytes, what);
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!isIndexType(mediaType))
      throw new RegistryError('bad-answer', `${what}: not an index (${mediaType})`);
    const [algorithm, hex] = digest.split(':');
    if (algorithm === 'sha256' && createHash('sha256').update(body).digest('hex') !== hex)
      throw new RegistryError('bad-answer', `${what}: the body does not match its digest (cut short?)`);
    let parsed: { manifests?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError('bad-answer', `${what}: the index is not JSON`);
    }
    if (!Array.isArray(parsed.manifests))
      throw new RegistryError('bad-answer', `${what}: the index lists no manifests`);
    return (parsed.manifests as IndexEntry[]).filter((m) => typeof m?.digest === 'string');
  }

  /** The repository's tags (one page: enough for a hint). */
  async listTags(image: Image, signal: AbortSignal): Promise<string[]> {
    const response = await this.send(image, 'tags/list?n=1000', 'GET', signal);
    const body = await readBoundedBody(response, this.options.maxManifestBytes, `${image.repository} tags`);
    try {
      const tags = (JSON.parse(body.toString('utf8')) as { tags?: unknown }).tags;
      return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      throw new RegistryError('bad-answer', `${image.repository} tags: not JSON`);
    }
  }

  private state(registry: string): RegistryState {
    let state = this.registries.get(registry);
    if (!state) this.registries.set(registry, (state = { blockedUntil: 0 }));
    return state;
  }

  /** One request, with authentication and 429 backoff; resolves to a 2xx answer or throws. */
  private async send(
    image: Image,
    path: string,
    method: 'HEAD' | 'GET',
    signal: AbortSignal,
  ): Promise<Response> {
    const state = this.state(image.registry);
    const scheme = this.options.insecure(image.domain) ? 'http' : 'https';
    const url = `${scheme}://${image.registry}/v2/${image.repository}/${path}`;
    const scope = `repository:${image.repository}:pull`;
    // Until a registry's challenge is known, one request finds it while the others wait:
    // a scan's first burst would otherwise draw a 401 for every image.
    if (!state.challenge && state.probe) await state.probe.catch(() => {});
    let probed: (() => void) | undefined;
    if (!state.challenge && !state.probe)
      state.probe = new Promise<void>((resolve) => (probed = resolve)).finally(
        () => (state.probe = undefined),
      );
    try {
      return await this.sendAuthorized(image, state, { url, path, scope, method }, signal);
    } finally {
      probed?.();
    }
  }

  private async sendAuthorized(
    image: Image,
    state: RegistryState,
    { url, path, scope, method }: { url: string; path: string; scope: string; method: 'HEAD' | 'GET' },
    signal: AbortSignal,
  ): Promise<Response> {
    let authorization = state.challenge
      ? await this.authorize(image, state.challenge, scope, signal)
      : undefined;
    // A 401 to credentials already sent is the answer: asking again would get the same token.
    let challenged = authorization !== undefined;
    for (let attempt = 0; ; attempt++) {
      await this.waitForReset(image, state, signal);
      const response = await this.fetch(url, method, authorization, signal, image);
      const rate = readRateLimit(response.headers, response.status, this.now());
      if (rate.remaining !== undefined)
        state.rateLimitRemaining = Math.min(rate.remaining, state.rateLimitRemaining ?? Infinity);
      if (response.status === 401 && !challenged) {
        await response.body?.cancel();
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        if (!challenge)
          throw new RegistryError('unauthorized', `${describe(image)}: 401 without a challenge`, 401);
        state.challenge = challenge;
        challenged = true;
        authorization = await this.authorize(image, challenge, challenge.params.scope ?? scope, signal);
        if (authorization === undefined)
          throw new RegistryError(
            'unauthorized',
            `${describe(image)}: the registry wants credentials, none are configured`,
            401,
          );
        continue;
      }
      if (response.status === 429 && attempt < 3) {
        await response.body?.cancel();
        state.blockedUntil = Math.max(state.blockedUntil, rate.resetAt!);
        continue;
      }
      if (response.ok) return response;
      await response.body?.cancel();
      throw failureOf(response.status, describe(image, path.replace(/^manifests\//, '')));
    }
  }

  private async authorize(image: Image, challenge: Challenge, scope: string, signal: AbortSignal) {
    const credentials = await this.options.credentials(image.domain, signal);
    if (challenge.scheme === 'basic')
      return credentials
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : undefined;
    if (challenge.scheme !== 'bearer')
      throw new RegistryError(
        'unauthorized',
        `${describe(image)}: unknown authentication scheme ${challenge.scheme}`,
      );
    return `Bearer ${await this.tokens.token({ challenge, scope, credentials, signal })}`;
  }

  private async waitForReset(image: Image, state: RegistryState, signal: AbortSignal): Promise<void> {
    const wait = state.blockedUntil - this.now();
    if (wait <= 0) return;
    if (wait > this.options.maxRateLimitWaitMs)
      throw new RegistryError(
        'rate-limited',
        `${image.registry}: rate limited (429) until ${new Date(state.blockedUntil).toISOString()}`,
        429,
      );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, wait);
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), {
        once: true,
      });
    });
  }

  private async fetch(
    url: string,
    method: string,
    authorization: string | undefined,
    signal: AbortSignal,
    image: Image,
  ) {
    this.requests++;
    try {
      return await fetch(url, {
        method,
        redirect: 'follow',
        headers: { accept: MANIFEST_ACCEPT, ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(
        'unreachable',
        `${image.registry}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
  }
}

function failureOf(status: number, what: string): RegistryError {
  if (status === 401 || status === 403)
    return new RegistryError(
      'unauthorized',
      `${what}: access denied (${status}); private image without credentials?`,
      status,
    );
  if (status === 404)
    return new RegistryError('not-found', `${what}: the registry does not have it (404)`, status);
  if (status === 429) return new RegistryError('rate-limited', `${what}: still rate limited (429)`, status);
  return new RegistryError('registry-error', `${what}: the registry answered ${status}`, status);
}

function describe(image: Image, reference?: string): string {
  return `${image.domain}/${image.repository}${reference ? (reference.includes(':') && !reference.startsWith('tags') ? `@${reference}` : `:${reference}`) : ''}`;
}
