import { ApiError, errorFromResponse } from './api-error.js';

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false for the error reporter's own calls: a failure to report must never be reported. */
  report?: boolean;
}

export interface ApiClientOptions {
  /** The panel's own URL (document.baseURI): API paths resolve against it, so a proxy prefix works. */
  baseUrl: string | URL;
  fetch?: typeof fetch;
  /** Told about every failed call (the error reporter and the toasts listen here). */
  onFailure?: (err: ApiError) => void;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The only place in the panel that builds HTTP requests: relative URLs (Home Assistant ingress,
 * reverse-proxy prefixes), the session cookie, the CSRF header on changes, JSON in and out, and
 * one error type.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly base: URL;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.baseUrl);
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** From login or GET /auth/session; sent as X-CSRF-Token on every change. */
  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** `api/v1/...` resolved against the panel's base, never against the origin's root. */
  url(path: string, query?: Query): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path, opts.query), {
        method,
        headers,
        credentials: 'same-origin',
        body: opts.body === undefined ? null : JSON.stringify(opts.body),
        signal: opts.signal ?? null,
      });
    } catch (cause) {
      if (opts.signal?.aborted) throw cause;
      const message = cause instanceof Error ? cause.message : String(cause);
      throw this.failed(
        new ApiError(0, 'network_error', `${method} ${path}: ${message}`, method, path),
        opts,
      );
    }
    if (!res.ok) throw this.failed(await errorFromResponse(res, method, path), opts);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      throw this.failed(
        new ApiError(res.status, 'bad_response', `${method} ${path}: the answer is not JSON`, method, path),
        opts,
      );
    }
  }

  get<T>(path: string, query?: Query, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, { ...opts, query });
  }

  post<T>(path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...opts, body: body ?? {} });
  }

  private failed(err: ApiError, opts: RequestOptions): ApiError {
    if (opts.report !== false) this.options.onFailure?.(err);
    return err;
  }
}
