import type { RegistryCredentials } from './config.js';
import { readBoundedBody } from './bounded-body.js';
import { RegistryError } from './registry-errors.js';
import type { Challenge } from './www-authenticate.js';

interface CachedToken {
  token: string;
  /** ms since the epoch; the token is renewed a little before. */
  expiresAt: number;
}

// The token spec's default lifetime when the server names none.
const DEFAULT_EXPIRES_IN_S = 60;
// Renew this early, so a token does not expire between the cache and the registry.
const EXPIRY_MARGIN_MS = 5_000;
const MAX_TOKEN_ANSWER = 1024 * 1024;

export interface TokenRequest {
  challenge: Challenge;
  scope: string;
  credentials: RegistryCredentials | null;
  signal: AbortSignal;
}

/**
 * Bearer tokens from a registry's token realm (the distribution token spec), cached per
 * realm, service, scope and user until they expire; concurrent asks share one request.
 */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<CachedToken>>();
  /** Token requests made, for the benchmark's count. */
  requests = 0;

  constructor(
    private readonly now: () => number,
    private readonly timeoutMs: number,
  ) {}

  async token(request: TokenRequest): Promise<string> {
    const key = cacheKey(request);
    const cached = this.tokens.get(key);
    if (cached) {
      const token = await cached.catch(() => null);
      if (token && token.expiresAt > this.now()) return token.token;
    }
    const fetching = this.fetchToken(request);
    this.tokens.set(key, fetching);
    fetching.catch(() => this.tokens.delete(key));
    return (await fetching).token;
  }

  private async fetchToken({ challenge, scope, credentials, signal }: TokenRequest): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm)
      throw new RegistryError('bad-answer', 'the registry asked for a token without naming a realm');
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials)
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    this.requests++;
    const started = this.now();
    let response: Response;
    try {
      response = await fetch(url, {
        headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (error) {
      throw new RegistryError('unreachable', `token realm ${url.origin}: ${(error as Error).message}`);
    }
    const body = await readBoundedBody(response, MAX_TOKEN_ANSWER, `token from ${url.origin}`);
    if (response.status === 401 || response.status === 403)
      throw new RegistryError(
        'unauthorized',
        credentials
          ? `the token realm refused the credentials for ${credentials.username}`
          : 'the token realm refused an anonymous token',
        response.status,
      );
    if (response.status !== 200)
      throw new RegistryError(
        'registry-error',
        `token realm ${url.origin} answered ${response.status}`,
        response.status,
      );
    let answer: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      answer = JSON.parse(body.toString('utf8')) as typeof answer;
    } catch {
      throw new RegistryError('bad-answer', `token realm ${url.origin} answered something that is not JSON`);
    }
    const token = typeof answer.token === 'string' ? answer.token : answer.access_token;
    if (typeof token !== 'string' || token === '')
      throw new RegistryError('bad-answer', `token realm ${url.origin} answered without a token`);
    const expiresIn =
      typeof answer.expires_in === 'number' && answer.expires_in > 0
        ? answer.expires_in
        : DEFAULT_EXPIRES_IN_S;
    return { token, expiresAt: started + expiresIn * 1000 - EXPIRY_MARGIN_MS };
  }
}

function cacheKey({ challenge, scope, credentials }: TokenRequest): string {
  return JSON.stringify([
    challenge.params.realm,
    challenge.params.service,
    scope,
    credentials?.username ?? '',
  ]);
}
