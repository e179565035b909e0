import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type IngressOptions, remoteAddress } from './auth/authenticate.js';

/**
 * Home Assistant ingress serves the panel under `/api/hassio_ingress/<token>/`: the Supervisor
 * strips that prefix before the request reaches us and names it in X-Ingress-Path. The panel
 * itself only builds relative URLs (Vite `base: './'`, document.baseURI); this is for the few
 * absolute ones the core sends, such as the API docs UI's redirect.
 */
const INGRESS_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/** The prefix the browser sees, or '' — believed only from the trusted proxy, and only a plain path. */
export function ingressPath(request: FastifyRequest, ingress: IngressOptions): string {
  if (!ingress.enabled || remoteAddress(request) !== ingress.trustedProxy) return '';
  const header = request.headers['x-ingress-path'];
  return typeof header === 'string' && INGRESS_PATH.test(header) ? header : '';
}

/** Redirects to a path of ours (`Location: /…`) keep the ingress prefix, so they stay inside the proxy. */
export function installIngressRedirects(app: FastifyInstance, ingress: IngressOptions): void {
  if (!ingress.enabled) return;
  app.addHook('onSend', async (request, reply, payload) => {
    const location = reply.getHeader('location');
    if (typeof location !== 'string' || !location.startsWith('/') || location.startsWith('//'))
      return payload;
    const prefix = ingressPath(request, ingress);
    if (prefix && !location.startsWith(`${prefix}/`)) reply.header('location', `${prefix}${location}`);
    return payload;
  });
}
