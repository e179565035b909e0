/** What a registry said about its rate limit on one answer. */
export interface RateLimitInfo {
  /** `ratelimit-remaining: 76;w=21600` → 76 (Docker Hub); absent when not sent. */
  remaining?: number;
  /** When a 429 may be retried, in ms since the epoch. */
  resetAt?: number;
}

// With no hint in a 429, wait this long before the next request to that registry.
const DEFAULT_BACKOFF_MS = 60_000;

/**
 * Reads `ratelimit-remaining` and, on a 429, when to try again: `Retry-After` (seconds or an
 * HTTP date), `ratelimit-reset` (seconds from now, the IETF draft) or `x-ratelimit-reset`
 * (epoch seconds, as GitHub and others send).
 */
export function readRateLimit(headers: Headers, status: number, now: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  const remaining = /^\s*(\d+)/.exec(
    headers.get('ratelimit-remaining') ?? headers.get('x-ratelimit-remaining') ?? '',
  );
  if (remaining) info.remaining = Number(remaining[1]);
  if (status !== 429) return info;
  const retryAfter = headers.get('retry-after');
  const reset = /^\s*(\d+)/.exec(headers.get('ratelimit-reset') ?? '');
  const epochReset = /^\s*(\d+)/.exec(headers.get('x-ratelimit-reset') ?? '');
  if (retryAfter && /^\s*\d+\s*$/.test(retryAfter)) info.resetAt = now + Number(retryAfter) * 1000;
  else if (retryAfter && !Number.isNaN(Date.parse(retryAfter))) info.resetAt = Date.parse(retryAfter);
  else if (reset) info.resetAt = now + Number(reset[1]) * 1000;
  else if (epochReset) info.resetAt = Number(epochReset[1]) * 1000;
  else info.resetAt = now + DEFAULT_BACKOFF_MS;
  return info;
}
