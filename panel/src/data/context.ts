import { createApi, type Api } from './api.js';
import { ApiClient } from './api-client.js';
import { ApiError } from './api-error.js';
import { ErrorReporter } from './error-reporter.js';
import { HashLocation } from './hash-location.js';
import { LiveClient } from './live-client.js';
import { SessionStore } from './session.js';
import { Toasts } from './toasts.js';

/**
 * The one object handed down the component tree (like Home Assistant's `hass`): every page gets
 * `.ctx` and reaches the API, the live stream, the session, the location and the toasts through it.
 */
export interface RfContext {
  api: Api;
  live: LiveClient;
  session: SessionStore;
  location: HashLocation;
  toasts: Toasts;
  reporter: ErrorReporter;
}

/** Builds the context for a panel served at `baseUrl` (document.baseURI: ingress and proxy prefixes included). */
export function createContext(win: Window, baseUrl: string = win.document.baseURI): RfContext {
  const toasts = new Toasts();
  // The reporter and the session need the API, and the API reports failures to both: bind late.
  let onFailure = (_err: ApiError) => {};
  const client = new ApiClient({ baseUrl, onFailure: (err) => onFailure(err) });
  const api = createApi(client);
  const reporter = new ErrorReporter({
    send: (batch) => api.clientErrors.send(batch),
    isRetryable: (err) => err instanceof ApiError && err.isNetwork,
    storage: safeLocalStorage(win),
    isOnline: () => win.navigator.onLine,
  });
  const session = new SessionStore(api);
  onFailure = (err) => {
    session.noticeFailure(err);
    if (err.status === 401) return; // signing in again is the answer, not a bug report
    toasts.show(err.message);
    reporter.report({
      subsystem: 'api',
      type: err.code,
      message: err.message,
      metadata: { status: err.status, method: err.method, path: err.path },
      url: win.location.href,
      userAgent: win.navigator.userAgent,
    });
  };
  const live = new LiveClient({ url: client.url('api/v1/live') });
  return { api, live, session, location: new HashLocation(win), toasts, reporter };
}

/** Uncaught errors and unhandled rejections become reports and toasts (issue 9 §3). */
export function captureWindowErrors(win: Window, ctx: RfContext): void {
  const report = (type: string, error: unknown, fallback: string) => {
    const err = error instanceof Error ? error : null;
    const message = err?.message ?? (typeof error === 'string' ? error : fallback);
    ctx.toasts.show(`Something went wrong: ${message}`);
    ctx.reporter.report({
      subsystem: 'panel',
      type,
      message,
      ...(err?.stack ? { stack: err.stack } : {}),
      url: win.location.href,
      userAgent: win.navigator.userAgent,
    });
  };
  win.addEventListener('error', (ev) => report('error', ev.error, ev.message || 'error'));
  win.addEventListener('unhandledrejection', (ev) => {
    // Failed API calls were reported when they failed; do not count them twice.
    if ((ev.reason as { name?: string } | null)?.name === 'ApiError') return;
    report('unhandledrejection', ev.reason, 'unhandled rejection');
  });
  win.addEventListener('online', () => ctx.reporter.resume());
}

function safeLocalStorage(win: Window): Storage | null {
  try {
    return win.localStorage;
  } catch {
    return null; // blocked in some embedded frames
  }
}
