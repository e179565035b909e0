import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import type { ProxmoxTree, ProxmoxTreeContainer } from '../../../broker/protocol/api-types.js';
import { containerItem, dockerScan, outdatedContainer } from '../../helpers/containers.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  publishUp,
  registerSimAgent,
  scanPackage,
} from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken, rememberSecret } from '../../core/api/api-client.js';
import { SECRETS, TOKEN_ID } from './fleet.js';
import { type PveStandIn, startPveStandIn } from './pve-stand-in.js';
import { untilHolds } from '../../helpers/until.js';

const BASE = '/api/v1/plugins/proxmox';

const pick = (p: Record<string, number>) => [p.critical, p.high, p.unknown, p.total];

/** Issue 23 §4: the tree's fourth level, guest → containers, from the docker plugin's inventory. */
describeEachDatabase('proxmox tree: containers under their guest', (target) => {
  let core: TestCore;
  let pve: PveStandIn;
  let viewer: ReturnType<ApiClient['bearer']>;
  const clients: MqttClient[] = [];
  const agents: Record<string, AgentIdentity> = {};

  const scan = async (key: string, message: object) => {
    const client = await connectAgent(core.mqttUrl, agents[key]!);
    clients.push(client);
    await publishUp(client, agents[key]!, 'scan', message);
  };

  before(async function () {
    this.timeout(120_000);
    rememberSecret(SECRETS.lab);
    pve = await startPveStandIn(
      {
        name: null,
        nodes: [
          {
            name: 'pve9',
            ip: '10.0.9.9',
            guests: [
              { vmid: 500, type: 'lxc', name: 'apps', status: 'running', macs: ['BC:24:11:00:05:00'], ips: ['10.0.5.0'] },
              { vmid: 501, type: 'lxc', name: 'lonely', status: 'running', macs: ['BC:24:11:00:05:01'] },
            ],
          },
        ],
      }, // prettier-ignore
      { tokenId: TOKEN_ID, secret: SECRETS.lab },
    );
    core = await startTestCore(target.name, (config) => {
      config.plugins.enabled = ['proxmox'];
      config.plugins.config = {
        proxmox: {
          endpoints: [{ name: 'lab', url: pve.url, tokenId: TOKEN_ID, caFile: pve.caFile, retryDelayMs: 1 }],
        },
      };
      config.plugins.secrets = { proxmox: { tokens: { lab: SECRETS.lab } } };
    });
    const api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    const operator = api.bearer((await createTestToken(core, 'operator')).token);
    for (const [key, hostname, macAddresses] of [
      ['apps', 'apps-host', ['bc:24:11:00:05:00']],
      ['node', 'pve9', undefined],
    ] as const) {
      const { identity } = await registerSimAgent(core.httpUrl, await core.createToken(1), {
        hostname,
        ...(macAddresses ? { macAddresses: [...macAddresses] } : {}),
      });
      agents[key] = identity!;
    }
    assert.equal((await operator.post(`${BASE}/discover`)).status, 200);
  });

  after(async () => {
    for (const c of clients) await c.endAsync();
    await core?.close();
    assert.deepEqual(pve?.violations ?? [], [], 'answers outside the schema');
    await pve?.close();
  });

  it("lists a guest's containers with their statuses, and counts their updates once at every level", async () => {
    const now = new Date().toISOString();
    await scan('apps', {
      ...envelope(),
      batchId: envelope().id,
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: [scanPackage('openssl', { severity: 'critical' })],
    });
    await scan(
      'apps',
      dockerScan([
        outdatedContainer('web', 'docker.io/library/nginx', '1.27'),
        outdatedContainer('api', 'ghcr.io/acme/api', '2'),
        containerItem('db', 'docker.io/library/postgres', '16', { health: 'healthy' }),
        containerItem('tool', 'localhost/built', 'latest', { checkStatus: 'not_checkable', state: 'exited' }),
      ]),
    );
    await scan(
      'node',
      dockerScan([outdatedContainer('portainer', 'docker.io/portainer/portainer-ce', 'latest')]),
    );

    const tree = await untilHolds(
      async () => (await viewer.get(`${BASE}/tree`)).json as ProxmoxTree,
      (t) => t.clusters[0]?.pending.total === 4 && t.clusters[0].nodes[0]!.containers.length === 1,
      'the scans to reach the tree',
    );
    const [node] = tree.clusters[0]!.nodes;
    const apps = node!.guests.find((g) => g.vmid === 500)!;
    const row = (c: ProxmoxTreeContainer) => [
      c.name,
      c.reference,
      c.state,
      c.checkStatus,
      c.updateOutstanding,
    ];
    assert.deepEqual(apps.containers.map(row), [
      ['api', 'ghcr.io/acme/api:2', 'running', 'update_available', true],
      ['db', 'docker.io/library/postgres:16', 'running', 'up_to_date', false],
      ['tool', 'localhost/built:latest', 'exited', 'not_checkable', false],
      ['web', 'docker.io/library/nginx:1.27', 'running', 'update_available', true],
    ]);
    const web = apps.containers.find((c) => c.name === 'web')!;
    assert.equal(web.updateStatus, 'pending');
    assert.ok(web.updateId, "the update's id, for approving it");
    assert.deepEqual(pick(web.pending), [0, 0, 1, 1], 'its update under unknown, as docker records carry');
    assert.deepEqual(pick(apps.containers.find((c) => c.name === 'db')!.pending), [0, 0, 0, 0]);
    assert.equal(apps.containers.find((c) => c.name === 'db')!.health, 'healthy');

    // The two docker updates are package states of the guest's agent: counted once, not again per container.
    assert.deepEqual(pick(apps.pending), [1, 0, 2, 3], 'openssl and the two images, not doubled');
    assert.deepEqual(
      node!.containers.map((c) => [c.name, c.updateOutstanding]),
      [['portainer', true]],
      "the node's own host's containers",
    );
    assert.deepEqual(pick(node!.pending), [1, 0, 3, 4], 'the node: its guest and its own host');
    assert.deepEqual(pick(tree.clusters[0]!.pending), [1, 0, 3, 4], 'the endpoint');
    assert.deepEqual(
      node!.guests.find((g) => g.vmid === 501)!.containers,
      [],
      'a guest without an agent has no containers',
    );
  });
});
