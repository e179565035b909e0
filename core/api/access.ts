/**
 * Who may call a route. Every route declares one in `config.access` (DESIGN.md §6); a test
 * enumerates the routes and fails on one without it.
 * - public: anyone (health checks, the API description)
 * - registration-token: authenticated by the registration token in the body
 * - viewer / operator / admin: a signed-in user with at least that role (issue 5)
 */
export type Access = 'public' | 'registration-token' | 'viewer' | 'operator' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Refused answers (400, 401) count against the caller's address: login and setup. */
    countsFailures?: boolean;
  }
}
