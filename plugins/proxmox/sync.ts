import { setMaxListeners } from 'node:events';
import { type CorePluginContext, isPluginError } from '../sdk/index.js';
import type { ProxmoxConfig, ProxmoxSecrets } from './config.js';
import { discoverEndpoint } from './discovery.js';
import type { Inventory } from './inventory.js';
import { type MatchableAgent, matchGuests, matchNodes } from './matching.js';
import { createPveClient, type PveClient } from './pve-client.js';

export interface EndpointOutcome {
  endpoint: string;
  ok: boolean;
  guests: number;
  error: string | null;
  code: string | null;
}

export interface SyncReport {
  endpoints: EndpointOutcome[];
  matched: number;
}

type Ctx = CorePluginContext<ProxmoxConfig, ProxmoxSecrets>;

/**
 * Discovery of every endpoint at once, then matching (issue 23 §2–3). An endpoint that fails
 * keeps what it held and records why; the others are written. Runs one at a time: a request
 * while one runs gets that run's report.
 */
export function createSync(ctx: Ctx, store: Inventory) {
  const clients = new Map<string, PveClient>();
  /** What `metadata.proxmox` each agent was last given, so a sync writes only changes. */
  const written = new Map<string, string>();
  let running: Promise<SyncReport> | null = null;
  let matching: Promise<number> | null = null;
  let matchAgain = false;

  const clientOf = (name: string): PveClient | null => {
    const existing = clients.get(name);
    if (existing) return existing;
    const endpoint = ctx.config.endpoints.find((e) => e.name === name)!;
    const secret = ctx.secrets.tokens?.[name];
    if (!secret) return null;
    const client = createPveClient(endpoint, secret, ctx.clock);
    clients.set(name, client);
    return client;
  };

  async function discoverOne(name: string, signal?: AbortSignal): Promise<EndpointOutcome> {
    const client = clientOf(name);
    if (!client) {
      const error = `proxmox endpoint ${name}: no token secret (plugins.secrets.proxmox.tokens.${name})`;
      await store.recordFailure(name, 'pve_config', error);
      return { endpoint: name, ok: false, guests: 0, error, code: 'pve_config' };
    }
    // Each request in flight listens to the signal: one of the endpoint's own, sized for them.
    const local = new AbortController();
    setMaxListeners(ctx.config.concurrency + 4, local.signal);
    const abort = () => local.abort(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const found = await discoverEndpoint(client, {
        concurrency: ctx.config.concurrency,
        signal: local.signal,
      });
      await store.save(found);
      for (const warning of found.warnings) ctx.logger.warn(warning, { endpoint: name });
      return { endpoint: name, ok: true, guests: found.guests.length, error: null, code: null };
    } catch (err) {
      if (!isPluginError(err)) throw err;
      ctx.logger.warn(err.message, { endpoint: name, code: err.code });
      await store.recordFailure(name, err.code, err.message);
      return { endpoint: name, ok: false, guests: 0, error: err.message, code: err.code };
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async function run(signal?: AbortSignal): Promise<SyncReport> {
    // Every endpoint finishes (and writes) before anything unexpected is rethrown.
    const settled = await Promise.allSettled(ctx.config.endpoints.map((e) => discoverOne(e.name, signal)));
    const outcomes = settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    const matched = await rematch();
    return { endpoints: outcomes, matched };
  }

  /**
   * One matching at a time; calls during one (a storm of agents coming online) share a single
   * further run, which sees everything that happened before it started.
   */
  function rematch(): Promise<number> {
    if (matching) {
      matchAgain = true;
      return matching.then(() => matching ?? rematch());
    }
    matching = matchOnce().finally(() => {
      matching = null;
      if (matchAgain) {
        matchAgain = false;
        void rematch().catch((err: unknown) => ctx.logger.error(`matching failed: ${String(err)}`));
      }
    });
    return matching;
  }

  /** Matches guests and nodes to agents and writes `metadata.proxmox`; returns how many agents are placed. */
  async function matchOnce(): Promise<number> {
    const agents: MatchableAgent[] = await ctx.fleet.agents();
    const [guests, nodes, endpoints] = await Promise.all([store.guests(), store.nodes(), store.endpoints()]);
    const guestMatches = matchGuests(guests, agents);
    const taken = new Set(guestMatches.flatMap((m) => (m.agentId ? [m.agentId] : [])));
    const nodeMatches = matchNodes(
      nodes.filter((n) => !n.goneAt),
      agents,
      taken,
    );
    await store.applyMatches(guestMatches, nodeMatches);

    const cluster = new Map(endpoints.map((e) => [e.endpoint, e.cluster]));
    const wanted = new Map<string, Record<string, unknown>>();
    guestMatches.forEach((m, i) => {
      const g = guests[i]!;
      if (!m.agentId || g.goneAt) return;
      wanted.set(m.agentId, {
        endpoint: g.endpoint,
        cluster: cluster.get(g.endpoint) ?? null,
        node: g.node,
        kind: g.type,
        vmid: g.vmid,
        name: g.name,
        tags: g.tags,
        match: m.basis,
      });
    });
    for (const m of nodeMatches)
      if (m.agentId)
        wanted.set(m.agentId, {
          endpoint: m.endpoint,
          cluster: cluster.get(m.endpoint) ?? null,
          node: m.name,
          kind: 'node',
          match: m.basis,
        });
    for (const id of await ctx.agentMetadata.agentsWithValue())
      if (!wanted.has(id)) {
        await ctx.agentMetadata.set(id, null);
        written.delete(id);
      }
    for (const [id, value] of wanted) {
      const text = JSON.stringify(value);
      if (written.get(id) === text) continue;
      if (await ctx.agentMetadata.set(id, value)) written.set(id, text);
    }
    return wanted.size;
  }

  return {
    /** The running sync's report, or a new sync's. */
    run(signal?: AbortSignal): Promise<SyncReport> {
      running ??= run(signal).finally(() => {
        running = null;
      });
      return running;
    },
    rematch,
    /** Requests made per endpoint so far (the benchmark). */
    requests: () => Object.fromEntries([...clients].map(([name, c]) => [name, c.requests])),
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}

export type Sync = ReturnType<typeof createSync>;
