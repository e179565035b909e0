import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { LiveTestClient } from '../../helpers/live-client.js';
import { envelope, registerSimAgent, scanPackage } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken, rememberSecret } from '../../core/api/api-client.js';
import { homeCluster, SECRETS, TOKEN_ID } from './fleet.js';
import { type PveStandIn, startPveStandIn } from './pve-stand-in.js';

const BASE = '/api/v1/plugins/proxmox';

/**
 * Issue 23 §4: "install approved security updates on every guest tagged prod", through the
 * core's install workflow (approve → dry run → install; holds held, confirmation by a person).
 */
describeEachDatabase('proxmox plugin: group installs', (target) => {
  let core: TestCore;
  let home: PveStandIn;
  let operator: ReturnType<ApiClient['bearer']>;
  let operatorId: string;
  let viewer: ReturnType<ApiClient['bearer']>;
  let live: LiveTestClient;
  let action: {
    id: string;
    members: Array<{ agentId: string; status: string; packages: number }>;
    progress: Record<string, unknown>;
  };
  const agents: Record<string, string> = {};

  const scan = (agent: string, packages: ScanPackage[]) => {
    const now = new Date().toISOString();
    return ingestScan(core, agents[agent]!, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages,
    });
  };
  const statusOf = async (agent: string, name: string) =>
    (await core.db.packages.listForAgent(agents[agent]!, { includeClosed: true })).find(
      (p) => p.name === name,
    )?.status;
  const commandsOf = async (agent: string, type: string) =>
    (await core.db.commands.listForAgent(agents[agent]!)).filter((c) => c.type === type);
  const answer = (agent: string, commandId: string, data: Record<string, unknown>) => {
    const now = new Date().toISOString();
    return core.dispatcher.result(agents[agent]!, {
      ...envelope(),
      commandId,
      status: 'succeeded',
      startedAt: now,
      finishedAt: now,
      data,
    });
  };
  const upgrade = (name: string) => ({ name, arch: 'amd64', fromVersion: '1.0', toVersion: '1.1' });

  before(async function () {
    this.timeout(120_000);
    rememberSecret(SECRETS.home);
    home = await startPveStandIn(homeCluster(), { tokenId: TOKEN_ID, secret: SECRETS.home });
    core = await startTestCore(target.name, (config) => {
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
          ],
        },
      };
      config.plugins.secrets = { proxmox: { tokens: { home: SECRETS.home } } };
    });
    const api = new ApiClient(core.httpUrl);
    const op = await createTestToken(core, 'operator');
    operator = api.bearer(op.token);
    operatorId = op.id;
    const viewerToken = (await createTestToken(core, 'viewer')).token;
    viewer = api.bearer(viewerToken);
    // Matched by host name: web (102, prod, pve1), db (110, prod, pve2), vm-agent (200, prod,
    // a VM), pihole (101, tagged dns only).
    for (const hostname of ['web', 'db', 'vm-agent', 'pihole'])
      agents[hostname] = (
        await registerSimAgent(core.httpUrl, await core.createToken(1), { hostname })
      ).identity!.agentId;
    assert.equal((await operator.post(`${BASE}/discover`)).status, 200);
    await scan('web', [
      scanPackage('openssl', { security: true, severity: 'critical' }),
      scanPackage('curl', { security: false, severity: 'low' }),
      scanPackage('linux-image-amd64', { security: true, severity: 'high' }),
    ]);
    await scan('db', [scanPackage('postgresql-15', { security: true })]);
    await scan('vm-agent', [scanPackage('vim', { security: false, severity: 'low' })]);
    await scan('pihole', [scanPackage('dnsmasq', { security: true })]);
    const hold = await operator.post('/api/v1/policies', {
      kind: 'hold',
      name: 'kernels by hand',
      match: { namePattern: 'linux-image-*' },
    });
    assert.equal(hold.status, 201, JSON.stringify(hold.json));
    assert.equal(await statusOf('web', 'linux-image-amd64'), 'held');
    live = await LiveTestClient.open(core.httpUrl, { headers: { authorization: `Bearer ${viewerToken}` } });
  });

  after(async () => {
    live?.socket.close();
    await core?.close();
    assert.deepEqual(home?.violations ?? [], [], 'answers outside the schema');
    await home?.close();
  });

  it('approves the pending security updates of every guest tagged prod: one install flow per host', async () => {
    const res = await operator.post(`${BASE}/actions`, {
      scope: 'tag',
      target: 'prod',
      type: 'install',
      securityOnly: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    action = res.json;
    const member = (agent: string) => action.members.find((m) => m.agentId === agents[agent]);
    assert.deepEqual(
      action.members.map((m) => m.agentId).sort(),
      [agents.web, agents.db, agents['vm-agent']].sort(),
      'the three guests tagged prod, not pihole',
    );
    assert.deepEqual([member('web')!.status, member('web')!.packages], ['checking_dependencies', 1]);
    assert.deepEqual([member('db')!.status, member('db')!.packages], ['checking_dependencies', 1]);
    assert.deepEqual(
      [member('vm-agent')!.status, member('vm-agent')!.packages],
      ['nothing_to_install', 0],
      'no pending security update there',
    );
    assert.deepEqual(action.progress, {
      total: 3,
      finished: 1,
      byStatus: { checking_dependencies: 2, nothing_to_install: 1 },
      done: false,
    });

    for (const agent of ['web', 'db']) {
      const dryRuns = await commandsOf(agent, 'dry_run');
      assert.equal(dryRuns.length, 1, `one dry run on ${agent}: the workflow's`);
      assert.equal(
        dryRuns[0]!.createdBy,
        `plugin:proxmox for token:${operatorId}`,
        'the plugin and who asked',
      );
      assert.equal(dryRuns[0]!.source, 'manual');
      assert.deepEqual(await commandsOf(agent, 'install'), [], 'no install before its dry run');
    }
    assert.deepEqual(
      ((await commandsOf('web', 'dry_run'))[0]!.params.packages as Array<{ name: string }>).map(
        (p) => p.name,
      ),
      ['openssl'],
      'security updates only: curl stays pending; the held kernel is not approved',
    );
    assert.equal(await statusOf('web', 'curl'), 'pending');
    assert.equal(await statusOf('web', 'linux-image-amd64'), 'held');
    assert.equal(await statusOf('pihole', 'dnsmasq'), 'pending', 'not tagged prod');
    assert.deepEqual(await commandsOf('vm-agent', 'dry_run'), []);

    const events = (await viewer.get('/api/v1/events?type=plugin&limit=20')).json.items as Array<{
      subtype: string;
      message: string;
    }>;
    const asked = events.find((e) => e.subtype === 'proxmox_install_requested');
    assert.match(
      asked?.message ?? '',
      /token:.* asked to install the pending security updates of tag \*\/prod: 2 approved on 3 host/,
    );
  });

  it('follows each flow to its install, waits for a person when the dry run wants more, and reports done live', async () => {
    const [webDryRun] = await commandsOf('web', 'dry_run');
    await answer('web', webDryRun!.id, {
      transaction: { upgrades: [upgrade('openssl')], newPackages: [], removals: [], warnings: [] },
    });
    const [webInstall] = await commandsOf('web', 'install');
    assert.ok(webInstall, 'the dry run matched: the install follows at once');
    assert.equal(webInstall.createdBy, `plugin:proxmox for token:${operatorId}`);
    await answer('web', webInstall.id, { changed: [upgrade('openssl')] });
    assert.equal(await statusOf('web', 'openssl'), 'updated');

    const [dbDryRun] = await commandsOf('db', 'dry_run');
    await answer('db', dbDryRun!.id, {
      transaction: {
        upgrades: [upgrade('postgresql-15')],
        newPackages: [{ name: 'libpq6', toVersion: '16.1' }],
        removals: [],
        warnings: [],
      },
    });
    const waiting = await live.waitFor(
      (e) =>
        e.kind === 'plugin.progress' &&
        e.data?.id === action.id &&
        e.data.progress.byStatus?.pending_dependencies === 1,
      'the group waiting for a person on db',
    );
    assert.deepEqual(waiting.data.progress.byStatus, {
      updated: 1,
      pending_dependencies: 1,
      nothing_to_install: 1,
    });
    assert.deepEqual(await commandsOf('db', 'install'), [], 'a new package: a person confirms first');

    const confirmed = await operator.post('/api/v1/updates/confirm', { agentId: agents.db, plugin: 'apt' });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));
    const [dbInstall] = await commandsOf('db', 'install');
    await answer('db', dbInstall!.id, { changed: [upgrade('postgresql-15')] });

    const done = await live.waitFor(
      (e) => e.kind === 'plugin.progress' && e.data?.id === action.id && e.data.progress.done === true,
      'the group done on the live stream',
    );
    assert.deepEqual(done.data, {
      plugin: 'proxmox',
      subject: 'action',
      id: action.id,
      progress: {
        scope: 'tag',
        target: '*/prod',
        type: 'install',
        total: 3,
        finished: 3,
        byStatus: { updated: 2, nothing_to_install: 1 },
        done: true,
      },
    });
    const report = (await viewer.get(`${BASE}/actions/${action.id}`)).json;
    assert.deepEqual(report.progress, {
      total: 3,
      finished: 3,
      byStatus: { updated: 2, nothing_to_install: 1 },
      done: true,
    });
    assert.equal(await statusOf('web', 'linux-image-amd64'), 'held', 'the hold outlived the whole group');
  });
});
