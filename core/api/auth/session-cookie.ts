import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';

export const SESSION_COOKIE = 'rf_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The session id from the Cookie header, without a cookie library for one cookie. */
export function sessionIdFrom(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || null;
  }
  return null;
}

/**
 * The CSRF token of a session, derived from its id: the panel can ask for it again after a
 * reload (GET /api/v1/auth/session), and a page on another site can neither read the cookie nor
 * this answer, so it cannot send the header.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`rf-csrf\n${sessionId}`).digest('base64url');
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  maxAgeSec: number,
) {
  // Secure only over HTTPS: most homelab cores answer plain HTTP on the LAN, where a Secure cookie is never sent back.
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${secure}`,
  );
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}
