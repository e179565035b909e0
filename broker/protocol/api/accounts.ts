/** Who calls the API: users, sessions, API tokens and agent registration tokens. */
import type { Role } from '../vocabulary-types.js';

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export interface AuthStatus {
  setupRequired: boolean;
  signedIn: boolean;
}

export interface Session {
  kind: 'session' | 'token' | 'ingress';
  user: SessionUser;
  csrfToken?: string;
  expiresAt?: string;
}

export interface User {
  id: string;
  username: string;
  displayName?: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt?: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  userId?: string | null;
  createdBy?: string | null;
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface CreatedApiToken {
  token: string;
  apiToken: ApiToken;
}

export type RegistrationTokenState = 'usable' | 'used_up' | 'expired' | 'revoked';

export interface RegistrationToken {
  id: string;
  label: string;
  seatsTotal: number;
  seatsUsed: number;
  expiresAt: string;
  revokedAt?: string | null;
  createdBy?: string | null;
  createdAt: string;
  state: RegistrationTokenState;
  uses?: { registered?: number; rebound?: number; refused?: number; lastUsedAt?: string | null };
}

/** POST /api/v1/registration-tokens: the only answer that ever holds the token. */
export interface CreatedRegistrationToken {
  token: string;
  install: string;
  registrationToken: RegistrationToken;
}
