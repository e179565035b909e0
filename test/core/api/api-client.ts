import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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
 * Issue 5 §4: "a test scans every response of the API test suite for known secret values".
 * Every answer any ApiClient receives in this run is checked against every secret the tests
 * handled so far (passwords, API and registration tokens, session ids, and their SHA-256 as
 * stored; a secret cannot be shown before it exists), except in the answer that created it
 * (its one-time display). A check after the whole run fails on any answer that showed one, or
 * showed a password hash. Secrets made of token characters are looked up word by word, so even
 * megabyte answers cost one pass; the few others (passwords) by substring.
 */
const tokenSecrets = new Set<string>();
const phraseSecrets = new Set<string>();
const leaks: string[] = [];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A secret no answer may show from now on (its creating answer is checked before it is known). */
export function rememberSecret(secret: string): void {
  for (const value of [secret, sha256(secret)])
    (/^[A-Za-z0-9_-]+$/.test(value) ? tokenSecrets : phraseSecrets).add(value);
}

function checkAnswer(answer: Seen): void {
  const text = `${JSON.stringify(answer.headers)}\n${answer.body}`;
  const where = `${answer.method} ${answer.path} (${answer.status})`;
  if (/scrypt\$/.test(text)) leaks.push(`${where} shows a password hash`);
  const shows =
    (text.match(/[A-Za-z0-9_-]{16,}/g) ?? []).some((word) => tokenSecrets.has(word)) ||
    [...phraseSecrets].some((phrase) => text.includes(phrase));
  if (shows) leaks.push(`${where} shows a secret`);
}

/** Secrets an answer creates: shown there once, never again. */
function secretsCreatedBy(answer: Seen, json: Json): string[] {
  if (answer.method !== 'POST' || answer.status >= 300) return [];
  if (answer.path === '/api/v1/api-tokens' || answer.path === '/api/v1/registration-tokens')
    return typeof json?.token === 'string' ? [json.token] : [];
  if (answer.path === '/api/v1/auth/login') {
    const session = /rf_session=([^;]+)/.exec(answer.headers['set-cookie'] ?? '')?.[1];
    return session ? [session] : [];
  }
  return [];
}

/** Answers of this run so far that showed a secret they did not create, or a password hash. */
export function leakedSecrets(): string[] {
  return [...leaks];
}

// Registered only under mocha, once for the whole run.
if (typeof after === 'function')
  after('no API answer of the run shows a secret but its one-time display', () => {
    assert.deepEqual(leakedSecrets(), []);
  });

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
    const answer = this.seen.at(-1)!;
    checkAnswer(answer);
    for (const secret of secretsCreatedBy(answer, json)) rememberSecret(secret);
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
  rememberSecret(password);
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
  rememberSecret(created.token);
  return created;
}
