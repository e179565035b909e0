import type { Api } from './api.js';
import type { ApiError } from './api-error.js';
import type { Role, Session } from './api-types.js';
import { Store } from './store.js';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'setup-required' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; session: Session };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Who is using the panel: asks the core once at start, then follows login and logout. */
export class SessionStore {
  readonly state = new Store<SessionState>({ kind: 'loading' });

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    const status = await this.api.auth.status();
    if (status.setupRequired) return this.state.set({ kind: 'setup-required' });
    if (!status.signedIn) return this.state.set({ kind: 'signed-out' });
    this.signedIn(await this.api.auth.session());
  }

  async login(username: string, password: string): Promise<void> {
    this.signedIn(await this.api.auth.login(username, password));
  }

  async setup(token: string, username: string, password: string): Promise<void> {
    await this.api.auth.setup(token, username, password);
    await this.login(username, password);
  }

  async logout(): Promise<void> {
    try {
      await this.api.auth.logout();
    } finally {
      this.signedOut();
    }
  }

  /** A 401 from any call means the session ended (expired, revoked elsewhere). */
  noticeFailure(err: ApiError): void {
    if (err.status === 401 && this.state.value.kind === 'signed-in') this.signedOut();
  }

  /** True when the signed-in user's role is at least `role`. */
  can(role: Role): boolean {
    const s = this.state.value;
    return s.kind === 'signed-in' && RANK[s.session.user.role] >= RANK[role];
  }

  private signedIn(session: Session): void {
    this.api.client.setCsrfToken(session.csrfToken ?? null);
    this.state.set({ kind: 'signed-in', session });
  }

  private signedOut(): void {
    this.api.client.setCsrfToken(null);
    this.state.set({ kind: 'signed-out' });
  }
}
