import assert from 'node:assert/strict';
import { installOneLiner } from '../../../core/fleet/index.js';
import {
  createEnrollment,
  type EnrollmentResult,
  type EnrollmentSettings,
} from '../../../plugins/proxmox/enrollment.js';
import { inventory } from '../../../plugins/proxmox/inventory.js';
import { createPluginLogger, runProcess } from '../../../plugins/sdk/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { registerSimAgent } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken, rememberSecret } from '../../core/api/api-client.js';
import { type PveStandIn, startPveStandIn } from './pve-stand-in.js';
import { startTestSshd, type TestSshd } from './test-sshd.js';

const TOKEN_ID = 'redflag@pve!discovery';
const SECRET = '4a5b6c7d-1111-4222-8333-944455566677';
const BASE = '/api/v1/plugins/proxmox';

/** Issue 23 §5: agents installed into LXCs through a real sshd and a `pct` of the test's own. */
describe('proxmox: enrollment into LXCs over SSH', () => {
  let core: TestCore;
  let pve: PveStandIn;
  let sshd: TestSshd;
  let admin: ReturnType<ApiClient['bearer']>;
  const logLines: string[] = [];
  const tokensIssued: string[] = [];
  let firstRun: EnrollmentResult[] = [];

  const logger = createPluginLogger('proxmox', (entry) =>
    logLines.push(`${entry.message} ${JSON.stringify(entry.fields ?? {})}`),
  );
  const settings = (hostKey: string): EnrollmentSettings => ({
    sshUser: sshd.user,
    sshPort: sshd.port,
    timeoutSeconds: 60,
    nodes: { pve1: { hostKey } },
  });
  const enrollment = (hostKey = sshd.hostKey) =>
    createEnrollment({
      db: core.db.plugin('proxmox').database,
      run: runProcess,
      logger,
      privateKey: sshd.privateKey,
      settings: settings(hostKey),
      // The core's own single-seat tokens, as the composition root gives them to plugins.
      tokens: {
        async createSingleSeat() {
          const token = await core.createToken(1, '1h');
          rememberSecret(token);
          tokensIssued.push(token);
          return { token, install: installOneLiner(core.httpUrl, token) };
        },
      },
    });
  const run = async (scope: Record<string, unknown> = {}, hostKey?: string) => {
    const store = inventory(core.db.plugin('proxmox').database);
    return enrollment(hostKey).enroll(scope, await store.guests(), await store.nodes());
  };
  const byVmid = (results: EnrollmentResult[]) => Object.fromEntries(results.map((r) => [r.vmid, r]));

  before(async function () {
    this.timeout(120_000);
    rememberSecret(SECRET);
    sshd = await startTestSshd();
    rememberSecret(sshd.privateKey);
    sshd.addContainer(101, 'good');
    sshd.addContainer(102, 'offline');
    sshd.addContainer(103, 'bare');
    sshd.addContainer(104, 'no-nodejs');
    pve = await startPveStandIn(
      {
        name: 'home',
        nodes: [
          {
            name: 'pve1',
            ip: '127.0.0.1',
            guests: [
              { vmid: 101, type: 'lxc', name: 'good', status: 'running', macs: ['BC:24:11:00:05:01'] },
              { vmid: 102, type: 'lxc', name: 'offline', status: 'running', macs: ['BC:24:11:00:05:02'] },
              { vmid: 103, type: 'lxc', name: 'bare', status: 'running', macs: ['BC:24:11:00:05:03'] },
              { vmid: 104, type: 'lxc', name: 'no-nodejs', status: 'running', macs: ['BC:24:11:00:05:04'] },
              { vmid: 105, type: 'lxc', name: 'sleeping', status: 'stopped', macs: ['BC:24:11:00:05:05'] },
              { vmid: 106, type: 'lxc', name: 'has-agent', status: 'running', macs: ['BC:24:11:00:05:06'] },
              {
                vmid: 900,
                type: 'lxc',
                name: 'tpl',
                status: 'stopped',
                template: true,
                macs: ['BC:24:11:00:09:01'],
              },
              { vmid: 200, type: 'qemu', name: 'a-vm', status: 'running', macs: ['BC:24:11:00:05:07'] },
            ],
          },
          {
            name: 'pve2',
            ip: '127.0.0.1',
            guests: [
              { vmid: 110, type: 'lxc', name: 'elsewhere', status: 'running', macs: ['BC:24:11:00:05:10'] },
            ],
          },
        ],
      },
      { tokenId: TOKEN_ID, secret: SECRET },
    );
    core = await startTestCore('PGlite', (config) => {
      config.plugins.enabled = ['proxmox'];
      config.plugins.config = {
        proxmox: {
          endpoints: [{ name: 'home', url: pve.url, tokenId: TOKEN_ID, fingerprint: pve.fingerprint }],
          enrollment: { sshPort: sshd.port, sshUser: sshd.user, nodes: { pve1: { hostKey: sshd.hostKey } } },
        },
      };
      config.plugins.secrets = {
        proxmox: { tokens: { home: SECRET }, ssh: { privateKey: sshd.privateKey } },
      };
    });
    admin = new ApiClient(core.httpUrl).bearer((await createTestToken(core, 'admin')).token);
    await registerSimAgent(core.httpUrl, await core.createToken(1), { hostname: 'has-agent' });
    const discovered = await admin.post(`${BASE}/discover`);
    assert.equal(discovered.status, 200, JSON.stringify(discovered.json));
  });

  after(async () => {
    await core?.close();
    await sshd?.close();
    await pve?.close();
  });

  it('installs the agent with a fresh single-seat token into running LXCs without one, skipping the rest', async function () {
    this.timeout(120_000);
    firstRun = await run({ endpoint: 'home', node: 'pve1' });
    const results = byVmid(firstRun);
    assert.deepEqual(
      Object.keys(results).map(Number).sort(),
      [101, 102, 103, 104, 105, 106, 900],
      'LXCs only',
    );
    assert.equal(results[101]!.outcome, 'enrolled', JSON.stringify(results[101]));
    assert.equal(results[105]!.outcome, 'skipped');
    assert.match(results[105]!.reason, /stopped/);
    assert.equal(results[900]!.outcome, 'skipped');
    assert.match(results[900]!.reason, /template/);
    assert.deepEqual([results[106]!.outcome, results[106]!.reason], ['skipped', 'already has an agent']);

    assert.deepEqual(
      sshd.pctCalls(),
      ['exec 101 -- sh -s', 'exec 102 -- sh -s', 'exec 103 -- sh -s', 'exec 104 -- sh -s'],
      'pct exec ran for the four running containers without an agent, nothing else',
    );
    const token = tokensIssued[0]!;
    assert.equal(sshd.read(101, 'etc/redflag/installed-with')?.trim(), `--token ${token}`);
    assert.equal(sshd.read(101, 'curl.log')?.trim(), `-fsSL ${core.httpUrl}/install.sh`);
    const unused = (await core.db.registration.listTokens()).filter(
      (t) => t.seatsTotal === 1 && t.seatsUsed === 0,
    );
    assert.equal(unused.length, tokensIssued.length, 'each a token of the core, with one seat, not used yet');
    assert.equal(new Set(tokensIssued).size, 4, 'one fresh token per container tried');
  });

  it('reports each container’s failure: no network, no package manager, no Node.js', () => {
    const results = byVmid(firstRun);
    assert.equal(results[102]!.code, 'no_network');
    assert.match(results[102]!.reason, /curl: \(7\) Failed to connect/);
    assert.equal(results[103]!.code, 'no_package_manager');
    assert.match(results[103]!.reason, /no Node.js and no package manager/);
    assert.equal(results[104]!.code, 'no_nodejs');
    assert.match(results[104]!.reason, /could not install Node.js/);
  });

  it('changes nothing for an enrolled container when run again', async () => {
    const before = sshd.pctCalls().filter((c) => c.startsWith('exec 101 ')).length;
    const installed = sshd.read(101, 'etc/redflag/installed-with');
    const [again] = await run({ endpoint: 'home', vmid: 101 });
    assert.deepEqual([again!.outcome, again!.reason], ['skipped', 'enrolled before; waiting for its agent']);
    assert.equal(
      sshd.pctCalls().filter((c) => c.startsWith('exec 101 ')).length,
      before,
      'no second pct exec',
    );
    assert.equal(sshd.read(101, 'etc/redflag/installed-with'), installed);
  });

  it('refuses a node whose host key is not the pinned one, and one with no key pinned', async () => {
    const calls = sshd.pctCalls().length;
    const other = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdQx3Bq0xg5T1c3ZWVkZWVkZWVkZWVkZWVkZWVkZWVkZWVk';
    const [wrong] = await run({ endpoint: 'home', vmid: 102 }, other);
    assert.equal(wrong!.code, 'ssh_failed');
    assert.match(wrong!.reason, /Host key verification failed/);
    assert.equal(sshd.pctCalls().length, calls, 'nothing ran on the node');
    const [unpinned] = await run({ endpoint: 'home', node: 'pve2' });
    assert.equal(unpinned!.code, 'no_host_key');
    assert.match(unpinned!.reason, /no SSH host key pinned for node pve2/);
  });

  it('never logs or reports a token or the SSH key', async () => {
    assert.ok(logLines.some((l) => /enrollment of home\/101 \(good\): enrolled/.test(l)));
    const text = `${logLines.join('\n')}\n${JSON.stringify(firstRun)}`;
    for (const secret of [...tokensIssued, sshd.privateKey.split('\n')[1]!])
      assert.ok(!text.includes(secret), 'a secret reached a log line or a result');
  });

  it('serves runs through the API, each container with a fresh single-seat token of the core', async () => {
    const tokensBefore = (await core!.db.registration.listTokens()).map((t) => t.id);
    const started = await admin.post(`${BASE}/enroll`, { vmid: 103 });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    let report = started.json;
    for (let i = 0; i < 400 && !report.done; i++) {
      await new Promise((r) => setTimeout(r, 25));
      report = (await admin.get(`${BASE}/enroll/${started.json.runId}`)).json;
    }
    assert.equal(report.done, true);
    assert.deepEqual(
      report.results.map((r: EnrollmentResult) => [r.vmid, r.outcome, r.code]),
      [[103, 'failed', 'no_package_manager']],
    );
    const made = (await core!.db.registration.listTokens()).filter((t) => !tokensBefore.includes(t.id));
    assert.deepEqual(
      made.map((t) => [t.seatsTotal, t.seatsUsed, t.createdBy]),
      [[1, 0, 'plugin:proxmox']],
      'one single-seat token, made by the core for the one container, unused',
    );
  });
});
