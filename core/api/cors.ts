import type { FastifyInstance } from 'fastify';
import { originIsThisServer } from './origin.js';

export interface CorsOptions {
  /** Exact origins (config http.corsOrigins) whose pages may call the API; empty: none. */
  origins: string[];
  /** config http.publicUrl: the panel's own origin is never treated as a foreign one. */
  publicUrl: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The Origin of a page on another origin that http.corsOrigins lets in, or null. Such a
     * request authenticates with a bearer token only (authenticate.ts): the cookie and the
     * CSRF token are the panel's, never another page's.
     */
    crossOrigin: string | null;
  }
}

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
// No X-CSRF-Token: a page on another origin has no session here to protect.
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** "HTTPS://Dash.LAN:443" and "https://dash.lan" are one origin, as a browser writes it. */
function canonical(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/**
 * CORS for the Lovelace card and the dashboard web component on other origins (Homepage, Homarr,
 * Dashy): their module script and their `fetch` calls with `Authorization: Bearer`. Only the
 * configured origins get `Access-Control-Allow-Origin`, and never `Allow-Credentials`, so a
 * browser never hands another page an answer made with the user's cookie. A small hook instead
 * of @fastify/cors: one exact-match list and one preflight answer are all this needs.
 */
export function installCors(app: FastifyInstance, opts: CorsOptions) {
  app.decorateRequest('crossOrigin', null);
  const allowed = new Set(opts.origins.map(canonical).filter((o): o is string => o !== null));
  if (allowed.size === 0) return;

  app.addHook('onRequest', async (request, reply) => {
    // Answers differ by Origin: caches must keep them apart.
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const from = canonical(origin);
    if (from === null || !allowed.has(from) || originIsThisServer(request, origin, opts.publicUrl)) return;
    request.crossOrigin = origin;
    reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined)
      return reply
        .status(204)
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
        .send();
  });
}
