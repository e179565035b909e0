import type { Role } from '../../db/index.js';

export type { Role };

export const ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly Role[];

/** admin > operator (approve, install, scan) > viewer (read). */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}
