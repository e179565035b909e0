import assert from 'node:assert/strict';
import {
  type MatchableAgent,
  type MatchableGuest,
  matchGuests,
  matchNodes,
} from '../../../plugins/proxmox/matching.js';

const agent = (id: string, fields: Partial<MatchableAgent> = {}): MatchableAgent => ({
  id,
  hostname: id,
  status: 'active',
  macAddresses: [],
  address: null,
  ...fields,
});

const guest = (vmid: number, fields: Partial<MatchableGuest> = {}): MatchableGuest => ({
  endpoint: 'home',
  vmid,
  name: `ct${vmid}`,
  hostname: null,
  macs: [],
  ips: [],
  goneAt: null,
  link: null,
  agentId: null,
  ...fields,
});

describe('proxmox: matching guests to agents', () => {
  it('prefers the MAC over a host name that points at another agent', () => {
    const [m] = matchGuests(
      [guest(101, { hostname: 'web', macs: ['bc:24:11:00:00:01'] })],
      [agent('a-web', { hostname: 'web' }), agent('a-mac', { macAddresses: ['BC:24:11:00:00:01'] })],
    );
    assert.deepEqual([m!.agentId, m!.basis], ['a-mac', 'mac']);
  });

  it('compares host names without case or domain, and IPs without the IPv4-mapped prefix', () => {
    const matches = matchGuests(
      [guest(1, { name: 'PiHole' }), guest(2, { ips: ['10.0.0.7'] })],
      [agent('a1', { hostname: 'pihole.lan' }), agent('a2', { hostname: 'x', address: '::ffff:10.0.0.7' })],
    );
    assert.deepEqual(
      matches.map((m) => [m.agentId, m.basis]),
      [
        ['a1', 'hostname'],
        ['a2', 'ip'],
      ],
    );
  });

  it('leaves a guest unmatched when two agents fit equally, and gives an agent to one guest only', () => {
    const matches = matchGuests(
      [guest(1, { name: 'web' }), guest(2, { macs: ['bc:24:11:00:00:02'] }), guest(3, { name: 'dup' })],
      [
        agent('a1', { hostname: 'web', macAddresses: ['bc:24:11:00:00:02'] }),
        agent('d1', { hostname: 'dup' }),
        agent('d2', { hostname: 'dup.lan' }),
      ],
    );
    assert.deepEqual(
      matches.map((m) => m.agentId),
      [null, 'a1', null],
      'a1 went to the MAC match; dup is ambiguous',
    );
  });

  it("keeps a person's link and unlink, skips gone guests and revoked agents", () => {
    const matches = matchGuests(
      [
        guest(1, { name: 'a', link: 'linked', agentId: 'b' }),
        guest(2, { name: 'b' }),
        guest(3, { name: 'c', link: 'unlinked' }),
        guest(4, { name: 'd', goneAt: '2026-12-01T00:00:00Z' }),
        guest(5, { name: 'e' }),
      ],
      [agent('a'), agent('b'), agent('c'), agent('d'), agent('e', { status: 'revoked' })],
    );
    assert.deepEqual(
      matches.map((m) => [m.agentId, m.basis]),
      [
        ['b', 'manual'],
        [null, null],
        [null, null],
        [null, null],
        [null, null],
      ],
      'guest 2 cannot take agent b, linked by hand to guest 1',
    );
  });

  it('finds the agent on a node by host name, then by its cluster IP, but not one already a guest', () => {
    const matches = matchNodes(
      [
        { endpoint: 'home', name: 'pve1', ip: '10.0.0.11' },
        { endpoint: 'home', name: 'pve2', ip: '10.0.0.12' },
        { endpoint: 'home', name: 'pve3', ip: null },
      ],
      [
        agent('n1', { hostname: 'PVE1.lan' }),
        agent('n2', { address: '10.0.0.12' }),
        agent('g', { hostname: 'pve3' }),
      ],
      new Set(['g']),
    );
    assert.deepEqual(
      matches.map((m) => [m.agentId, m.basis]),
      [
        ['n1', 'hostname'],
        ['n2', 'ip'],
        [null, null],
      ],
    );
  });
});
