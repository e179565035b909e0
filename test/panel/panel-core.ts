import type { Page } from 'playwright-core';
import type { RedflagConfig } from '../../core/config/index.js';
import { startTestCore, type TestCore } from '../helpers/core.js';
import { addTestUser, createTestToken } from '../core/api/api-client.js';

export const ADMIN = { username: 'admin', password: 'correct horse battery' };

export interface PanelCore {
  core: TestCore;
  /** The panel's address (the core serves it at /). */
  url: string;
  /** A bearer token for the test's own API calls (what the page shows is compared to these). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** A real core (PGlite) with an admin user, serving the built panel. */
export async function startPanelCore(overrides?: (config: RedflagConfig) => void): Promise<PanelCore> {
  const core = await startTestCore('PGlite', overrides);
  await addTestUser(core, ADMIN.username, ADMIN.password, 'admin');
  const { token } = await createTestToken(core, 'admin', 'panel test');
  return {
    core,
    url: `${core.httpUrl}/`,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${core.httpUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    close: () => core.close(),
  };
}

/** Fills the sign-in form as a user would and waits for the navigation to appear. */
export async function signIn(page: Page, who = ADMIN): Promise<void> {
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
