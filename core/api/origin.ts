import type { FastifyRequest } from 'fastify';

const hostOf = (url: string) => {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
};

/**
 * Whether a browser's Origin names this server: its host equals the Host the request was sent
 * to, the proxy's X-Forwarded-Host, or the host of http.publicUrl. A page cannot set any of
 * these headers on the requests it makes, so a match means the page is one of ours.
 */
export function originIsThisServer(
  request: FastifyRequest,
  origin: string,
  publicUrl: string | null,
): boolean {
  const from = hostOf(origin);
  const ours = [request.headers.host, request.headers['x-forwarded-host'], publicUrl && hostOf(publicUrl)]
    .flatMap((h) => (typeof h === 'string' ? h.split(',') : []))
    .map((h) => h.trim().toLowerCase());
  return from !== null && ours.includes(from);
}
