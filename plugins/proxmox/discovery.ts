import { AnswerReader, netEntry, tagList, usefulAddress } from './answers.js';
import type { PveClient } from './pve-client.js';
import { PveError } from './pve-errors.js';

export interface DiscoveredNode {
  name: string;
  status: string;
  ip: string | null;
}

export interface DiscoveredGuest {
  vmid: number;
  type: 'lxc' | 'qemu';
  node: string;
  name: string;
  hostname: string | null;
  status: string;
  template: boolean;
  tags: string[];
  /** Lower case, from the config's `net[n]` and what the guest reports. */
  macs: string[];
  ips: string[];
  ostype: string | null;
}

/** What one endpoint holds, read whole before anything is written. */
export interface Discovery {
  endpoint: string;
  cluster: string | null;
  nodes: DiscoveredNode[];
  guests: DiscoveredGuest[];
  /** Things that left some addresses unknown (a privilege the token lacks), one line each. */
  warnings: string[];
}

/** Runs `work` over `items` with at most `limit` at once (a PVE node serves a few requests at a time). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * Reads one endpoint (issue 23 §2): `/cluster/status`, `/nodes`, `/cluster/resources?type=vm`,
 * and per guest its config and, when it runs, its interfaces (LXC) or its guest agent's
 * addresses (QEMU). Throws a PveError naming the path when a required answer fails or is
 * malformed; a guest whose addresses cannot be read is kept, with a warning.
 */
export async function discoverEndpoint(
  client: PveClient,
  options: { concurrency: number; signal?: AbortSignal },
): Promise<Discovery> {
  const { endpoint } = client;
  const read = async (path: string) => ({
    data: await client.get(path, options.signal),
    r: new AnswerReader(endpoint, path),
  });

  const status = await read('/cluster/status');
  let cluster: string | null = null;
  const nodeIps = new Map<string, string>();
  status.r.list(status.data).forEach((item, i) => {
    const type = status.r.string(item, 'type', `[${i}]`);
    const name = status.r.string(item, 'name', `[${i}]`);
    if (type === 'cluster') cluster = name;
    const ip = status.r.optionalString(item, 'ip', `[${i}]`);
    if (type === 'node' && ip) nodeIps.set(name, ip);
  });

  const nodesAnswer = await read('/nodes');
  const nodes = nodesAnswer.r.list(nodesAnswer.data).map((item, i) => {
    const name = nodesAnswer.r.string(item, 'node', `[${i}]`);
    return { name, status: nodesAnswer.r.string(item, 'status', `[${i}]`), ip: nodeIps.get(name) ?? null };
  });

  const resources = await read('/cluster/resources?type=vm');
  const listed = resources.r.list(resources.data).flatMap((item, i) => {
    const type = resources.r.string(item, 'type', `[${i}]`);
    if (type !== 'lxc' && type !== 'qemu') return [];
    const vmid = resources.r.integer(item, 'vmid', `[${i}]`);
    return [
      {
        vmid,
        type: type as 'lxc' | 'qemu',
        node: resources.r.string(item, 'node', `[${i}]`),
        name: resources.r.optionalString(item, 'name', `[${i}]`) ?? `${type}-${vmid}`,
        status: resources.r.optionalString(item, 'status', `[${i}]`) ?? 'unknown',
        template: resources.r.flag(item, 'template', `[${i}]`),
        tags: tagList(resources.r.optionalString(item, 'tags', `[${i}]`)),
      },
    ];
  });

  const warnings: string[] = [];
  const guests: DiscoveredGuest[] = [];
  await eachLimited(listed, options.concurrency, async (g) => {
    const base = `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}`;
    const config = await read(`${base}/config`);
    const c = config.r.object(config.data);
    const macs = new Set<string>();
    const ips = new Set<string>();
    for (const [key, value] of Object.entries(c)) {
      if (!/^net\d+$/.test(key)) continue;
      if (typeof value !== 'string') config.r.string(c, key, '');
      const entry = netEntry(value as string);
      if (entry.mac) macs.add(entry.mac);
      if (entry.ip) ips.add(entry.ip);
    }
    const hostname = config.r.optionalString(c, g.type === 'lxc' ? 'hostname' : 'name', '');
    const agentEnabled =
      g.type === 'qemu' && /^(1|enabled=1)/.test(config.r.optionalString(c, 'agent', '') ?? '');
    const reported =
      g.status !== 'running' || g.template
        ? []
        : g.type === 'lxc'
          ? await lxcAddresses(read, base, warnings)
          : agentEnabled
            ? await qemuAddresses(read, base, warnings)
            : [];
    for (const a of reported) {
      if (a.mac) macs.add(a.mac);
      for (const ip of a.ips) if (usefulAddress(ip)) ips.add(ip);
    }
    guests.push({
      ...g,
      hostname,
      macs: [...macs].sort(),
      ips: [...ips].sort(),
      ostype: config.r.optionalString(c, 'ostype', ''),
      tags: g.tags.length ? g.tags : tagList(config.r.optionalString(c, 'tags', '')),
    });
  });
  guests.sort((a, b) => a.vmid - b.vmid);
  return { endpoint, cluster, nodes, guests, warnings };
}

type Read = (path: string) => Promise<{ data: unknown; r: AnswerReader }>;
type Reported = { mac: string | null; ips: string[] };

/** A missing privilege for addresses costs the addresses, with a warning; anything else is the endpoint's failure. */
async function optional(warnings: string[], work: () => Promise<Reported[]>): Promise<Reported[]> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PveError && err.pveCode === 'pve_privilege') {
      warnings.push(err.message);
      return [];
    }
    // The guest agent is not configured, not running, or the VM stopped meanwhile: no addresses.
    if (err instanceof PveError && err.pveCode === 'pve_http' && err.path.includes('/agent/')) return [];
    throw err;
  }
}

function lxcAddresses(read: Read, base: string, warnings: string[]): Promise<Reported[]> {
  return optional(warnings, async () => {
    const { data, r } = await read(`${base}/interfaces`);
    if (data === null) return []; // stopped since the listing: PVE answers null
    return r.list(data).map((item, i) => {
      const mac = r.string(item, 'hwaddr', `[${i}]`).toLowerCase();
      const list = Array.isArray(item['ip-addresses']) ? (item['ip-addresses'] as unknown[]) : [];
      const ips = list.flatMap((a, j) => {
        const ip = r.optionalString(
          r.object(a, `[${i}].ip-addresses[${j}]`),
          'ip-address',
          `[${i}].ip-addresses[${j}]`,
        );
        return ip ? [ip] : [];
      });
      return { mac: mac === '00:00:00:00:00:00' ? null : mac, ips };
    });
  });
}

function qemuAddresses(read: Read, base: string, warnings: string[]): Promise<Reported[]> {
  return optional(warnings, async () => {
    const { data, r } = await read(`${base}/agent/network-get-interfaces`);
    const result = r.object(data).result;
    return r.list(result).map((item, i) => {
      const mac = r.optionalString(item, 'hardware-address', `result[${i}]`)?.toLowerCase() ?? null;
      const list = Array.isArray(item['ip-addresses']) ? (item['ip-addresses'] as unknown[]) : [];
      const ips = list.flatMap((a, j) => {
        const where = `result[${i}].ip-addresses[${j}]`;
        const ip = r.optionalString(r.object(a, where), 'ip-address', where);
        return ip ? [ip] : [];
      });
      return { mac: mac === '00:00:00:00:00:00' ? null : mac, ips };
    });
  });
}
