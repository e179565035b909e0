import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import '../access.js';

/**
 * The web panel (panel/, built by Vite into panel/dist): index.html at `/`, its hashed assets
 * under `/assets/`, and the Lovelace card at `/rf-card.js`. The panel routes with the URL
 * fragment and uses relative URLs, so these few routes serve it at `/`, under Home Assistant
 * ingress and behind any proxy prefix.
 */
export interface PanelOptions {
  /** panel/dist; null when the panel is not built (the core still serves the API). */
  dir: string | null;
}

// Lit styles are constructable stylesheets; inline `style` attributes are not used. Same-origin
// framing only: Home Assistant's ingress iframe is on HA's origin, which proxies to us.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'";

/**
 * panel/dist in the source tree (tsx), or in a build (dist/panel/dist, copied by
 * scripts/build.ts), else beside the build in the source tree (dist/ inside a clone).
 */
export function defaultPanelDir(): string | null {
  for (const rel of ['../../../panel/dist/', '../../../../panel/dist/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

export async function panelRoutes(app: FastifyInstance, opts: PanelOptions) {
  const { dir } = opts;
  if (!dir) {
    app.log.warn('the panel is not built (panel/dist is missing): run `npm run build:panel`');
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The RedFlag panel is not built: run `npm run build:panel`. The API is at /api/v1/.'),
    );
    return;
  }
  await app.register(fastifyStatic, { root: dir, serve: false });
  const page = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get('/', page, async (_request, reply) =>
    reply
      .header('content-security-policy', CSP)
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .sendFile('index.html'),
  );
  // Hashed names never change content: cache them for a year.
  app.get<{ Params: { '*': string } }>('/assets/*', page, async (request, reply) =>
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .sendFile(`assets/${request.params['*']}`),
  );
  app.get('/rf-card.js', page, async (_request, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('access-control-allow-origin', '*')
      .sendFile('rf-card.js'),
  );
}
