/** What matching needs of an agent (the fleet facade's view). */
export interface MatchableAgent {
  id: string;
  hostname: string;
  status: string;
  macAddresses: string[];
  /** The address it connects from, as the broker saw it. */
  address: string | null;
}

export interface MatchableGuest {
  endpoint: string;
  vmid: number;
  name: string;
  hostname: string | null;
  macs: string[];
  ips: string[];
  goneAt: string | null;
  /** A person's decision: `linked` to agentId, or `unlinked`; null leaves it to matching. */
  link: 'linked' | 'unlinked' | null;
  agentId: string | null;
}

export interface MatchableNode {
  endpoint: string;
  name: string;
  ip: string | null;
}

export type MatchBasis = 'mac' | 'hostname' | 'ip' | 'manual';

export interface GuestMatch {
  endpoint: string;
  vmid: number;
  agentId: string | null;
  basis: MatchBasis | null;
}

export interface NodeMatch {
  endpoint: string;
  name: string;
  agentId: string | null;
  basis: MatchBasis | null;
}

/** `pihole.lan` and `PiHole` are the same host name to a person. */
const shortName = (name: string) => name.toLowerCase().split('.')[0]!;
/** `::ffff:10.0.0.5` (an IPv4 client on a dual-stack listener) is `10.0.0.5`. */
export const plainAddress = (ip: string) => ip.replace(/^::ffff:/i, '').toLowerCase();

function index(
  agents: MatchableAgent[],
  keys: (a: MatchableAgent) => string[],
): Map<string, MatchableAgent[]> {
  const map = new Map<string, MatchableAgent[]>();
  for (const agent of agents)
    for (const key of new Set(keys(agent))) {
      const list = map.get(key);
      if (list) list.push(agent);
      else map.set(key, [agent]);
    }
  return map;
}

/**
 * Links guests to agents (issue 23 §3): by MAC address first, then host name, then IP, each
 * only when exactly one unclaimed agent fits; an agent goes to one guest at most. A person's
 * link or unlink is kept as it is and claims its agent first. Gone guests keep no automatic
 * match. Linear in guests and agents (maps, no pairwise comparison).
 */
export function matchGuests(
  guests: readonly MatchableGuest[],
  agents: readonly MatchableAgent[],
): GuestMatch[] {
  const active = agents.filter((a) => a.status === 'active');
  const claimed = new Set<string>();
  const result = new Map<MatchableGuest, GuestMatch>();
  for (const g of guests)
    if (g.link === 'linked' && g.agentId) {
      claimed.add(g.agentId);
      result.set(g, { endpoint: g.endpoint, vmid: g.vmid, agentId: g.agentId, basis: 'manual' });
    } else if (g.link === 'unlinked' || g.goneAt)
      result.set(g, { endpoint: g.endpoint, vmid: g.vmid, agentId: null, basis: null });

  const levels: Array<[MatchBasis, Map<string, MatchableAgent[]>, (g: MatchableGuest) => string[]]> = [
    ['mac', index(active, (a) => a.macAddresses.map((m) => m.toLowerCase())), (g) => g.macs],
    [
      'hostname',
      index(active, (a) => [shortName(a.hostname)]),
      (g) => [...new Set([g.hostname, g.name].filter((n): n is string => !!n).map(shortName))],
    ],
    [
      'ip',
      index(active, (a) => (a.address ? [plainAddress(a.address)] : [])),
      (g) => g.ips.map(plainAddress),
    ],
  ];
  for (const [basis, byKey, keysOf] of levels)
    for (const g of guests) {
      if (result.has(g)) continue;
      const fits = new Set<MatchableAgent>();
      for (const key of keysOf(g)) for (const a of byKey.get(key) ?? []) if (!claimed.has(a.id)) fits.add(a);
      if (fits.size !== 1) continue;
      const [agent] = fits;
      claimed.add(agent!.id);
      result.set(g, { endpoint: g.endpoint, vmid: g.vmid, agentId: agent!.id, basis });
    }
  return guests.map(
    (g) => result.get(g) ?? { endpoint: g.endpoint, vmid: g.vmid, agentId: null, basis: null },
  );
}

/** The agent on a Proxmox node (nodes run Debian): by host name, then by the node's cluster IP. */
export function matchNodes(
  nodes: readonly MatchableNode[],
  agents: readonly MatchableAgent[],
  taken: ReadonlySet<string>,
): NodeMatch[] {
  const active = agents.filter((a) => a.status === 'active' && !taken.has(a.id));
  const byName = index(active, (a) => [shortName(a.hostname)]);
  const byIp = index(active, (a) => (a.address ? [plainAddress(a.address)] : []));
  return nodes.map((n) => {
    const named = byName.get(shortName(n.name)) ?? [];
    if (named.length === 1)
      return { endpoint: n.endpoint, name: n.name, agentId: named[0]!.id, basis: 'hostname' };
    const addressed = n.ip ? (byIp.get(plainAddress(n.ip)) ?? []) : [];
    if (addressed.length === 1)
      return { endpoint: n.endpoint, name: n.name, agentId: addressed[0]!.id, basis: 'ip' };
    return { endpoint: n.endpoint, name: n.name, agentId: null, basis: null };
  });
}
