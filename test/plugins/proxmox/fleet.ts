import type { FakeCluster } from './pve-stand-in.js';

export const TOKEN_ID = 'redflag@pve!discovery';
export const SECRETS = {
  home: '0b7c2f8e-41d5-4a9e-9c3b-5e6f7a8b9c0d',
  lab: '7d1e3a5c-2b4f-4e6a-8c0d-1f2e3a4b5c6d',
};

/**
 * Two endpoints: cluster `home` (pve1, pve2) and a single node `lab1`, with running and
 * stopped LXCs, a template, VMs with and without the guest agent, and tags.
 */
export function homeCluster(): FakeCluster {
  return {
    name: 'home',
    nodes: [
      {
        name: 'pve1',
        ip: '10.0.0.11',
        guests: [
          { vmid: 101, type: 'lxc', name: 'pihole', status: 'running', macs: ['BC:24:11:00:01:01'], ips: ['10.0.1.101'], tags: ['dns'] },
          { vmid: 102, type: 'lxc', name: 'web', status: 'running', macs: ['BC:24:11:00:01:02'], ips: ['10.0.1.102'], tags: ['prod'] },
          { vmid: 103, type: 'lxc', name: 'old', status: 'stopped', macs: ['BC:24:11:00:01:03'] },
          { vmid: 900, type: 'lxc', name: 'debian-tpl', status: 'stopped', template: true, macs: ['BC:24:11:00:09:00'] },
          { vmid: 200, type: 'qemu', name: 'vm-agent', status: 'running', guestAgent: true, macs: ['BC:24:11:00:02:00'], ips: ['10.0.2.200'], tags: ['prod'] },
          { vmid: 201, type: 'qemu', name: 'vm-plain', status: 'running', macs: ['BC:24:11:00:02:01'] },
        ],
      },
      {
        name: 'pve2',
        ip: '10.0.0.12',
        guests: [
          { vmid: 110, type: 'lxc', name: 'db', status: 'running', macs: ['BC:24:11:00:01:10'], ips: ['10.0.1.110'], tags: ['prod'] },
          { vmid: 111, type: 'lxc', name: 'cache', status: 'running', macs: ['BC:24:11:00:01:11'], ips: ['10.0.1.111'] },
        ],
      },
    ],
  }; // prettier-ignore
}

export function labNode(): FakeCluster {
  return {
    name: null,
    nodes: [
      {
        name: 'lab1',
        ip: '10.0.9.1',
        guests: [
          { vmid: 300, type: 'qemu', name: 'lab-vm', status: 'running', guestAgent: true, macs: ['BC:24:11:00:03:00'], ips: ['10.0.9.30'] },
          { vmid: 301, type: 'lxc', name: 'lab-ct', status: 'running', macs: ['BC:24:11:00:03:01'], ips: ['10.0.9.31'] },
        ],
      },
    ],
  }; // prettier-ignore
}
