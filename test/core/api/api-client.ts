import { adminOperations } from '../../../core/api/index.js';
import type { TestCore } from '../../helpers/core.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are checked field by field
type Json = any;

export interface Seen {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Real HTTP against a test core, remembering every answer so a test can scan them all for
 * secrets at the end (issue 5: no secret in any response but its one-time display).
 */
export class ApiClient {
  readonly seen: Seen[] = [];
  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; json: Json; headers: Headers }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    this.seen.push({
      method,
      path,
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: text,
    });
    let json: Json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  }

  bearer(token: string) {
    return {
      get: (path: string) => this.call('GET', path, { headers: { authorization: `Bearer ${token}` } }),
      post: (path: string, body: unknown = {}, headers: Record<string, string> = {}) =>
        this.call('POST', path, { body, headers: { authorization: `Bearer ${token}`, ...headers } }),
      put: (path: string, body: unknown = {}) =>
        this.call('PUT', path, { body, headers: { authorization: `Bearer ${token}` } }),
      delete: (path: string) => this.call('DELETE', path, { headers: { authorization: `Bearer ${token}` } }),
      call: (method: string, path: string, body?: unknown) =>
        this.call(method, path, { body, headers: { authorization: `Bearer ${token}` } }),
    };
  }

  /** Signs in; returns the cookie and CSRF token a browser would hold. */
  async login(username: string, password: string) {
    const res = await this.call('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.json)}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { cookie, csrfToken: res.json.csrfToken as string, setCookie: res.headers.get('set-cookie')! };
  }
}

/** Every answer in `seen` that shows one of `secrets`, except those `allowed` to (their one-time display). */
export function answersShowing(seen: Seen[], secrets: Iterable<string>, allowed: (answer: Seen) => boolean) {
  const list = [...secrets];
  return seen
    .filter((answer) => !allowed(answer))
    .filter((answer) => {
      const text = `${JSON.stringify(answer.headers)}\n${answer.body}`;
      return list.some((secret) => text.includes(secret));
    })
    .map((answer) => `${answer.method} ${answer.path} (${answer.status})`);
}

/** A user made through the same code as `redflag user add`. */
export async function addTestUser(core: TestCore, username: string, password: string, role: string) {
  return adminOperations.userAdd.run(core.manage, {
    params: {},
    body: { username, password, role },
    by: 'test',
  });
}

/** An API token made through the same code as `redflag apitoken create`. */
export async function createTestToken(core: TestCore, role: string, name = `${role} script`) {
  const created = (await adminOperations.apiTokenCreate.run(core.manage, {
    params: {},
    body: { name, role },
    by: 'test',
  })) as { token: string; id: string };
  return created;
}
