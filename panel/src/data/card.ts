import type { Agent, Command } from './api-types.js';

/** `<rf-card>`'s configuration (Lovelace YAML, or properties on the plain element). */
export interface CardConfig {
  type?: string;
  /** The RedFlag core's address (`https://redflag.lan:8080/`); empty: the page's own origin. */
  url?: string;
  /** A bearer API token (viewer is enough); empty: the browser's RedFlag session cookie. */
  token?: string;
  title?: string;
  /** Most hosts listed under "needs attention" (1–50, default 5). */
  max_hosts?: number;
  /** Seconds between refreshes (15–3600, default 60). */
  refresh_seconds?: number;
}

const KEYS = new Set([
  'type',
  'url',
  'token',
  'title',
  'max_hosts',
  'refresh_seconds',
  'view_layout',
  'grid_options',
]);

/** Lovelace calls setConfig with the user's YAML; a bad one must throw so the editor shows why. */
export function validateCardConfig(config: unknown): CardConfig {
  if (!config || typeof config !== 'object' || Array.isArray(config))
    throw new Error('rf-card: the configuration must be an object');
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!KEYS.has(key)) throw new Error(`rf-card: unknown option "${key}"`);
  for (const key of ['type', 'url', 'token', 'title'] as const)
    if (c[key] !== undefined && typeof c[key] !== 'string') throw new Error(`rf-card: "${key}" must be text`);
  if (typeof c.url === 'string' && c.url !== '') {
    let parsed: URL;
    try {
      parsed = new URL(c.url);
    } catch {
      throw new Error(`rf-card: "url" must be an absolute http(s) address, not "${c.url}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new Error('rf-card: "url" must be an http(s) address');
  }
  const int = (key: 'max_hosts' | 'refresh_seconds', min: number, max: number) => {
    const v = c[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max))
      throw new Error(`rf-card: "${key}" must be a whole number from ${min} to ${max}`);
  };
  int('max_hosts', 1, 50);
  int('refresh_seconds', 15, 3600);
  return { ...(c as CardConfig) };
}

/** The base the card's API calls resolve against: the configured server, or the page's origin. */
export function cardBaseUrl(config: CardConfig, pageUrl: string): string {
  const raw = config.url?.trim() || new URL('/', pageUrl).toString();
  return raw.endsWith('/') ? raw : `${raw}/`;
}

export type AttentionReason = 'offline' | 'security' | 'reboot' | 'failed';

export interface AttentionHost {
  agent: Agent;
  reasons: AttentionReason[];
}

const WEIGHT: Record<AttentionReason, number> = { failed: 1, offline: 8, security: 4, reboot: 2 };

/**
 * Hosts needing attention: offline, with security (or critical) updates pending, needing a
 * reboot, or with a failed command; worst first.
 */
export function hostsNeedingAttention(agents: readonly Agent[], failed: readonly Command[]): AttentionHost[] {
  const failedAgents = new Set(failed.map((c) => c.agentId));
  const out: AttentionHost[] = [];
  for (const agent of agents) {
    if (agent.status !== 'active') continue;
    const reasons: AttentionReason[] = [];
    if (!agent.online) reasons.push('offline');
    const p = (agent.pending ?? {}) as Record<string, number | undefined>;
    if ((p.security ?? 0) > 0 || (p.critical ?? 0) > 0) reasons.push('security');
    if (agent.rebootRequired) reasons.push('reboot');
    if (failedAgents.has(agent.id)) reasons.push('failed');
    if (reasons.length) out.push({ agent, reasons });
  }
  const score = (h: AttentionHost) => h.reasons.reduce((s, r) => s + WEIGHT[r], 0);
  return out.sort((a, b) => score(b) - score(a) || a.agent.hostname.localeCompare(b.agent.hostname));
}

export const REASON_TEXT: Record<AttentionReason, string> = {
  offline: 'offline',
  security: 'security updates',
  reboot: 'reboot required',
  failed: 'failed command',
};
