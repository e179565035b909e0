import { createApi } from './api.js';
import { ApiClient } from './api-client.js';
import { ApiError } from './api-error.js';
import type { Agent, Command } from './api-types.js';
import { cardBaseUrl, type CardConfig } from './card.js';

/** The parts of GET /api/v1/stats the card shows (core/api/routes/stats.ts). */
export interface CardStats {
  pending: { total: number; security: number };
  agents: { total: number; online: number; rebootRequired: number };
  failedCommands: { recentHours: number; count: number };
}

export interface CardData {
  /** null while the core has no GET /api/v1/stats (404): the card shows what the lists say. */
  stats: CardStats | null;
  agents: Agent[];
  failed: Command[];
}

/**
 * The card's own API: the configured server (or the page's origin) with a bearer token when one
 * is given, else the browser's session cookie. Failures are the card's to show, not toasts.
 */
export function createCardApi(config: CardConfig, pageUrl: string, fetchImpl: typeof fetch = fetch) {
  const token = config.token?.trim();
  const base = cardBaseUrl(config, pageUrl);
  const withToken: typeof fetch = (input, init) =>
    fetchImpl(input, {
      ...init,
      headers: {
        ...(init?.headers as Record<string, string>),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  const api = createApi(new ApiClient({ baseUrl: base, fetch: withToken }));
  return {
    /** The panel's address, for links from the card into it. */
    panelUrl: (path = '/') => `${base}#${path}`,
    async load(now = Date.now()): Promise<CardData> {
      const since = new Date(now - 24 * 3600_000).toISOString();
      const [stats, agents, failed] = await Promise.all([
        api.client.get<CardStats>('api/v1/stats').catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        }),
        api.agents.list({ limit: 5000 }),
        api.commands.list({ status: 'failed,timed_out', since, limit: 500 }),
      ]);
      return { stats, agents, failed: failed.items };
    },
  };
}
