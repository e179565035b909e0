import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { LiveTestClient } from '../../helpers/live-client.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  publishUp,
  registerSimAgent,
  scanPackage,
} from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken, rememberSecret } from '../../core/api/api-client.js';
import { homeCluster, labNode, SECRETS, TOKEN_ID } from './fleet.js';
import { type PveStandIn, startPveStandIn } from './pve-stand-in.js';
import { untilHolds } from '../../helpers/until.js';

const BASE = '/api/v1/plugins/proxmox';

/** Issue 23 §1–4: the proxmox plugin in a whole core, against two PVE stand-ins. */
describeEachDatabase('proxmox plugin', (target) => {
  let core: TestCore;
  let home: PveStandIn;
  let lab: PveStandIn;
  let operator: ReturnType<ApiClient['bearer']>;
  let viewer: ReturnType<ApiClient['bearer']>;
  let viewerToken: string;
  const logLines: string[] = [];
  const clients: MqttClient[] = [];
  const agents: Record<string, AgentIdentity> = {};

  const tree = async (query = '') => (await viewer.get(`${BASE}/tree${query}`)).json;
  const guest = (t: Record<string, unknown>, vmid: number) =>
    (t.clusters as Array<{ nodes: Array<{ guests: Array<Record<string, unknown>> }> }>)
      .flatMap((c) => c.nodes.flatMap((n) => n.guests))
      .find((g) => g.vmid === vmid);
  const discover = async () => {
    const res = await operator.post(`${BASE}/discover`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json;
  };
  const placeOf = async (agent: string) =>
    (await core.db.agents.findById(agents[agent]!.agentId))!.metadata.proxmox as
      Record<string, unknown> | undefined;

  before(async function () {
    this.timeout(120_000);
    Object.values(SECRETS).forEach(rememberSecret);
    home = await startPveStandIn(homeCluster(), { tokenId: TOKEN_ID, secret: SECRETS.home });
    lab = await startPveStandIn(labNode(), {
      tokenId: TOKEN_ID,
      secret: SECRETS.lab,
      denied: {
        '/nodes/lab1/qemu/300/agent/network-get-interfaces': {
          aclPath: '/vms/300',
          privilege: 'VM.GuestAgent.Audit',
        },
      },
    });
    const logs = new PassThrough();
    logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
    const wrongPin = home.fingerprint.replace(/^../, home.fingerprint.startsWith('AA') ? 'BB' : 'AA');
    core = await startTestCore(
      target.name,
      (config) => {
        config.log.level = 'info';
        config.plugins.enabled = ['proxmox'];
        config.plugins.config = {
          proxmox: {
            endpoints: [
              {
                name: 'home',
                url: home.url,
                tokenId: TOKEN_ID,
                fingerprint: home.fingerprint,
                retryDelayMs: 1,
              },
              { name: 'lab', url: lab.url, tokenId: TOKEN_ID, caFile: lab.caFile, retryDelayMs: 1 },
              { name: 'away', url: home.url, tokenId: TOKEN_ID, fingerprint: wrongPin, retryDelayMs: 1 },
            ],
          },
        };
        config.plugins.secrets = {
          proxmox: { tokens: { home: SECRETS.home, lab: SECRETS.lab, away: SECRETS.home } },
        };
      },
      logs,
    );
    const api = new ApiClient(core.httpUrl);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    viewerToken = (await createTestToken(core, 'viewer')).token;
    viewer = api.bearer(viewerToken);
    const enroll = async (key: string, hostname: string, macAddresses?: string[]) => {
      const { identity } = await registerSimAgent(core.httpUrl, await core.createToken(1), {
        hostname,
        macAddresses,
      });
      agents[key] = identity!;
    };
    await enroll('byMac', 'unrelated-1', ['bc:24:11:00:01:01']);
    await enroll('byName', 'web.lan');
    await enroll('byIp', 'mystery');
    await enroll('node', 'pve2');
    await enroll('db', 'db');
    await enroll('cache', 'cache');
    // What the broker records when an agent connects from 10.0.2.200.
    await core.db.agents.setOnline(agents.byIp!.agentId, false, {
      connection: { address: '::ffff:10.0.2.200' },
    });
  });

  after(async () => {
    for (const c of clients) await c.endAsync();
    await core?.close();
    assert.deepEqual(
      [...(home?.violations ?? []), ...(lab?.violations ?? [])],
      [],
      'answers outside the schema',
    );
    await home?.close();
    await lab?.close();
  });

  it('discovers every endpoint; one that fails (certificate mismatch) is reported and stops nobody', async () => {
    const report = await discover();
    const by = Object.fromEntries(report.endpoints.map((e: { endpoint: string }) => [e.endpoint, e]));
    assert.equal(by.home.ok, true);
    assert.equal(by.home.guests, 8);
    assert.equal(by.lab.ok, true);
    assert.equal(by.away.ok, false);
    assert.equal(by.away.code, 'pve_certificate');
    assert.match(by.away.error, /proxmox endpoint away: GET \/cluster\/status: .*fingerprint/);

    const t = await tree();
    const away = t.clusters.find((c: { endpoint: string }) => c.endpoint === 'away');
    assert.deepEqual(away.nodes, [], 'nothing written for the failed endpoint');
    assert.match(away.lastError, /fingerprint/);
    const homeTree = t.clusters.find((c: { endpoint: string }) => c.endpoint === 'home');
    assert.equal(homeTree.name, 'home');
    assert.deepEqual(
      homeTree.nodes.map((n: { name: string }) => n.name),
      ['pve1', 'pve2'],
    );
    const labTree = t.clusters.find((c: { endpoint: string }) => c.endpoint === 'lab');
    assert.equal(labTree.name, null, 'a single node belongs to no cluster');
  });

  it('stores status, tags, MACs (lower case) and IPs of each guest, from config and interfaces', async () => {
    const t = await tree();
    const pihole = guest(t, 101)!;
    assert.equal(pihole.status, 'running');
    assert.deepEqual(pihole.tags, ['dns']);
    assert.deepEqual(pihole.macs, ['bc:24:11:00:01:01']);
    assert.deepEqual(pihole.ips, ['10.0.1.101']);
    assert.deepEqual(guest(t, 103)!.ips, [], 'a stopped container has no interfaces (PVE answers null)');
    assert.equal(guest(t, 900)!.template, true);
    assert.deepEqual(guest(t, 200)!.ips, ['10.0.2.200'], "the guest agent's addresses");
    assert.deepEqual(guest(t, 201)!.ips, [], 'no guest agent: no addresses, no error');
    assert.deepEqual(guest(t, 300)!.ips, [], 'the token lacks VM.GuestAgent.Audit there');
    assert.ok(
      logLines.some((l) => /lacks VM\.GuestAgent\.Audit on \/vms\/300/.test(l)),
      'the missing privilege is logged, naming path and privilege',
    );
  });

  it('matches guests to agents by MAC, then host name, then IP, showing the basis; nodes are hosts', async () => {
    const t = await tree();
    assert.deepEqual([guest(t, 101)!.agentId, guest(t, 101)!.matchBasis], [agents.byMac!.agentId, 'mac']);
    assert.deepEqual(
      [guest(t, 102)!.agentId, guest(t, 102)!.matchBasis],
      [agents.byName!.agentId, 'hostname'],
    );
    assert.deepEqual([guest(t, 200)!.agentId, guest(t, 200)!.matchBasis], [agents.byIp!.agentId, 'ip']);
    assert.equal(guest(t, 201)!.agentId, null);
    const node = t.clusters
      .flatMap((c: { nodes: Array<{ name: string }> }) => c.nodes)
      .find((n: { name: string }) => n.name === 'pve2') as { agentId: string; matchBasis: string };
    assert.deepEqual([node.agentId, node.matchBasis], [agents.node!.agentId, 'hostname']);
  });

  it("writes agent.metadata.proxmox, which the API returns and the panel's tree reads", async () => {
    const res = await viewer.get(`/api/v1/agents/${agents.byMac!.agentId}`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      { ...res.json.metadata.proxmox, tags: undefined },
      {
        endpoint: 'home',
        cluster: 'home',
        node: 'pve1',
        kind: 'lxc',
        vmid: 101,
        name: 'pihole',
        match: 'mac',
        tags: undefined,
      },
    );
    assert.deepEqual(await placeOf('node'), {
      endpoint: 'home',
      cluster: 'home',
      node: 'pve2',
      kind: 'node',
      match: 'hostname',
    });
  });

  it('rolls pending updates up by severity: guest, node, cluster', async () => {
    const scan = async (key: string, packages: ReturnType<typeof scanPackage>[]) => {
      const client = await connectAgent(core.mqttUrl, agents[key]!);
      clients.push(client);
      const now = new Date().toISOString();
      await publishUp(client, agents[key]!, 'scan', {
        ...envelope(),
        batchId: randomUUID(),
        plugin: 'apt',
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages,
      });
    };
    await scan('byName', [
      scanPackage('openssl', { severity: 'critical' }),
      scanPackage('libc6', { severity: 'critical' }),
      scanPackage('curl', { severity: 'high' }),
    ]);
    await scan('db', [scanPackage('postgresql', { severity: 'high' })]);
    await scan('node', [scanPackage('pve-manager', { severity: 'low', security: false })]);
    const t = await untilHolds(
      () => tree(),
      (value) => value.clusters.find((c: { endpoint: string }) => c.endpoint === 'home')?.pending.total === 5,
      'the scans to be counted',
    );
    const homeTree = t.clusters.find((c: { endpoint: string }) => c.endpoint === 'home');
    const pick = (p: Record<string, number>) => [p.critical, p.high, p.medium, p.low, p.total];
    assert.deepEqual(pick(guest(t, 102)!.pending as Record<string, number>), [2, 1, 0, 0, 3]);
    assert.deepEqual(pick(homeTree.nodes[0].pending), [2, 1, 0, 0, 3], 'pve1');
    assert.deepEqual(pick(homeTree.nodes[1].pending), [0, 1, 0, 1, 2], 'pve2: its guest and its own host');
    assert.deepEqual(pick(homeTree.pending), [2, 2, 0, 1, 5], 'the cluster');
  });

  it('creates one command per matched agent for an action on a node, reported as one group and live', async () => {
    const live = await LiveTestClient.open(core.httpUrl, {
      headers: { authorization: `Bearer ${viewerToken}` },
    });
    const res = await operator.post(`${BASE}/actions`, {
      scope: 'node',
      endpoint: 'home',
      target: 'pve1',
      type: 'scan',
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const members = res.json.members as Array<{ agentId: string; commandId: string }>;
    assert.deepEqual(
      members.map((m) => m.agentId).sort(),
      [agents.byMac!.agentId, agents.byName!.agentId, agents.byIp!.agentId].sort(),
      'the three matched guests of pve1, not the template, not unmatched ones',
    );
    for (const m of members) {
      const command = await core.db.commands.findById(m.commandId);
      assert.equal(command?.type, 'scan');
      assert.equal(command?.createdBy, 'plugin:proxmox');
    }
    assert.equal(res.json.progress.total, 3);
    for (const m of members)
      assert.equal((await operator.post(`/api/v1/commands/${m.commandId}/cancel`)).status, 200);
    for (const m of members)
      await live.waitFor(
        (e) => e.kind === 'command.finished' && e.data?.commandId === m.commandId,
        `command.finished of ${m.commandId}`,
      );
    const report = (await viewer.get(`${BASE}/actions/${res.json.id}`)).json;
    assert.deepEqual(report.progress, { total: 3, finished: 3, byStatus: { cancelled: 3 }, done: true });
    // The group's own progress on the live stream, up to done.
    const last = await live.waitFor(
      (e) => e.kind === 'plugin.progress' && e.data?.id === res.json.id && e.data.progress.done === true,
      'the group done on the live stream',
    );
    assert.deepEqual(last.data, {
      plugin: 'proxmox',
      subject: 'action',
      id: res.json.id,
      progress: {
        scope: 'node',
        target: 'home/pve1',
        type: 'scan',
        total: 3,
        finished: 3,
        byStatus: { cancelled: 3 },
        done: true,
      },
    });
    assert.ok(
      live
        .events()
        .some(
          (e) => e.kind === 'plugin.progress' && e.data.id === res.json.id && e.data.progress.finished === 0,
        ),
      'its start was announced too',
    );
    live.socket.close();
  });

  it('acts on every guest with a tag, across nodes', async () => {
    const res = await operator.post(`${BASE}/actions`, { scope: 'tag', target: 'prod', type: 'dry_run' });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(
      res.json.members.map((m: { agentId: string }) => m.agentId).sort(),
      [agents.byName!.agentId, agents.byIp!.agentId, agents.db!.agentId].sort(),
    );
  });

  it('keeps manual links and unlinks across rediscovery', async () => {
    const unlink = await operator.delete(`${BASE}/guests/home/102/link`);
    assert.equal(unlink.status, 200, JSON.stringify(unlink.json));
    const link = await operator.put(`${BASE}/guests/home/103/link`, { agentId: agents.byName!.agentId });
    assert.equal(link.status, 200, JSON.stringify(link.json));
    await discover();
    const t = await tree();
    assert.deepEqual([guest(t, 102)!.agentId, guest(t, 102)!.link], [null, 'unlinked']);
    assert.deepEqual(
      [guest(t, 103)!.agentId, guest(t, 103)!.matchBasis, guest(t, 103)!.link],
      [agents.byName!.agentId, 'manual', 'linked'],
    );
    assert.equal((await placeOf('byName'))?.vmid, 103);
  });

  it('marks a guest that disappeared as gone, keeping its row, and takes its place off the agent', async () => {
    assert.equal((await placeOf('cache'))?.vmid, 111);
    home.cluster.nodes[1]!.guests = home.cluster.nodes[1]!.guests.filter((g) => g.vmid !== 111);
    await discover();
    assert.equal(guest(await tree(), 111), undefined, 'not in the tree');
    const gone = guest(await tree('?includeGone=true'), 111)!;
    assert.equal(gone.gone, true);
    assert.equal(gone.name, 'cache');
    assert.equal(await placeOf('cache'), undefined);
  });

  it('reports a malformed answer for its endpoint, naming the path and field, and keeps its last tree', async () => {
    lab.options.faults = { '/cluster/resources': 'wrong-type' };
    const report = await discover();
    const labReport = report.endpoints.find((e: { endpoint: string }) => e.endpoint === 'lab');
    assert.equal(labReport.code, 'pve_malformed');
    assert.match(
      labReport.error,
      /GET \/cluster\/resources\?type=vm: \[0\]\.vmid should be an integer, got "300"/,
    );
    assert.equal(report.endpoints.find((e: { endpoint: string }) => e.endpoint === 'home').ok, true);
    const labTree = (await tree()).clusters.find((c: { endpoint: string }) => c.endpoint === 'lab');
    assert.deepEqual(
      labTree.nodes[0].guests.map((g: { vmid: number }) => g.vmid),
      [300, 301],
    );
    lab.options.faults = {};
  });

  it('runs discovery as a job of the job runner', async () => {
    assert.ok(core.jobs.names().includes('plugin:proxmox:discover'));
    assert.equal(await core.jobs.runIfDue('plugin:proxmox:discover'), 'ran');
  });

  it('never logs a token secret', () => {
    assert.ok(logLines.length > 0);
    for (const secret of Object.values(SECRETS))
      assert.ok(!logLines.some((l) => l.includes(secret)), 'a log line shows a token secret');
  });
});
