import assert from 'node:assert/strict';
import type { Agent } from '../../../panel/src/data/api-types.js';
import {
  filterHosts,
  formatBytes,
  layoutHosts,
  packageManagersOf,
  pendingOf,
  proxmoxPlace,
} from '../../../panel/src/data/hosts.js';

const agent = (hostname: string, extra: Partial<Agent> = {}): Agent => ({
  id: hostname,
  hostname,
  status: 'active',
  online: true,
  ...extra,
});
const pve = (hostname: string, proxmox: Record<string, unknown>, extra: Partial<Agent> = {}) =>
  agent(hostname, { metadata: { proxmox }, ...extra });

describe('panel data: hosts', () => {
  it('shows the flat list, sorted by name, when no agent carries Proxmox data', () => {
    const layout = layoutHosts([agent('b'), agent('a', { metadata: { osId: 'debian' } })]);
    assert.equal(layout.kind, 'flat');
    assert.deepEqual(layout.kind === 'flat' && layout.hosts.map((h) => h.hostname), ['a', 'b']);
  });

  it('groups cluster → node → guests (by vmid), with the node agent on its node and the rest apart', () => {
    const layout = layoutHosts([
      pve('media', { cluster: 'home', node: 'pve1', kind: 'lxc', vmid: 105 }),
      pve('dns', { cluster: 'home', node: 'pve1', kind: 'lxc', vmid: 101 }),
      pve('pve1', { cluster: 'home', node: 'pve1', kind: 'node' }),
      pve('win', { cluster: 'home', node: 'pve2', kind: 'qemu', vmid: 200 }),
      pve('solo-guest', { node: 'lonely', kind: 'lxc', vmid: 100 }),
      agent('laptop'),
      pve('broken', { node: '', kind: 'lxc' }),
    ]);
    assert.equal(layout.kind, 'tree');
    if (layout.kind !== 'tree') return;
    assert.deepEqual(
      layout.clusters.map((c) => [
        c.name,
        c.nodes.map((n) => [n.name, n.host?.hostname ?? null, n.guests.map((g) => g.hostname)]),
      ]),
      [
        [
          'home',
          [
            ['pve1', 'pve1', ['dns', 'media']],
            ['pve2', null, ['win']],
          ],
        ],
        [null, [['lonely', null, ['solo-guest']]]],
      ],
    );
    assert.deepEqual(
      layout.others.map((a) => a.hostname),
      ['broken', 'laptop'],
    );
  });

  it('reads only well-formed Proxmox data', () => {
    assert.equal(proxmoxPlace(pve('x', { node: 'n', kind: 'docker' })), null);
    assert.equal(proxmoxPlace(agent('x', { metadata: { proxmox: 'pve1' } })), null);
    assert.deepEqual(proxmoxPlace(pve('x', { node: 'n', kind: 'qemu', vmid: 'seven' })), {
      cluster: null,
      node: 'n',
      kind: 'qemu',
      vmid: null,
    });
  });

  it('searches hostname, OS, version and labels, and filters by status', () => {
    const hosts = [
      agent('web', { labels: ['prod'], os: 'Debian 12' }),
      agent('db', { online: false, agentVersion: '0.2.0' }),
      agent('old', { status: 'revoked', online: false }),
    ];
    const names = (f: Parameters<typeof filterHosts>[1]) => filterHosts(hosts, f).map((h) => h.hostname);
    assert.deepEqual(names({ q: 'PROD' }), ['web']);
    assert.deepEqual(names({ q: 'debian' }), ['web']);
    assert.deepEqual(names({ q: '0.2' }), ['db']);
    assert.deepEqual(names({ status: 'online' }), ['web']);
    assert.deepEqual(names({ status: 'offline' }), ['db']);
    assert.deepEqual(names({ status: 'revoked' }), ['old']);
  });

  it('counts pending by severity in severity order and finds the package managers', () => {
    const a = agent('a', {
      pending: { low: 2, critical: 1 },
      ...({
        capabilities: [
          { name: 'apt', kind: 'package-manager' },
          { name: 'ha', kind: 'integration' },
        ],
      } as object),
    });
    assert.deepEqual(pendingOf(a), {
      bySeverity: [
        ['critical', 1],
        ['low', 2],
      ],
      total: 3,
    });
    assert.deepEqual(packageManagersOf(a), ['apt']);
    assert.deepEqual(packageManagersOf(agent('none')), []);
    assert.equal(formatBytes(2147483648), '2.0 GiB');
  });
});
