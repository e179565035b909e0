import assert from 'node:assert/strict';
import type { ProxmoxTree } from '../../broker/protocol/api-types.js';
import { addTestUser, rememberSecret } from '../core/api/api-client.js';
import { containerItem, dockerScan, outdatedContainer } from '../helpers/containers.js';
import { publishUp } from '../helpers/sim-agent.js';
import { homeCluster, SECRETS, TOKEN_ID } from '../plugins/proxmox/fleet.js';
import { type PveStandIn, startPveStandIn } from '../plugins/proxmox/pve-stand-in.js';
import { startTestSshd, type TestSshd } from '../plugins/proxmox/test-sshd.js';
import { sendResult } from './agent-commands.js';
import { assertAccessible, launchBrowser, openPage, type PanelBrowser, requireChromium } from './browser.js';
import { closeFleet, type SeededHost, seedFleet, waitUntil } from './fleet-seed.js';
import { type PanelCore, signIn, startPanelCore } from './panel-core.js';

interface Command {
  id: string;
  agentId: string;
  type: string;
  createdBy: string | null;
}

/**
 * Issue 23 §6: the hosts page's Proxmox tree and the node view, in Chromium, against a core
 * running the Proxmox plugin on the PVE stand-in, with enrollment through a real sshd whose
 * `pct` runs the install in scratch roots.
 */
describe('panel: Proxmox tree and node view (Chromium)', function () {
  let pc: PanelCore;
  let pve: PveStandIn;
  let sshd: TestSshd;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];
  const host = (name: string) => hosts.find((h) => h.hostname === name)!;
  const activeCommands = async (agentId: string) => {
    const answer = await pc.api<Command[] | { items: Command[] }>(
      'GET',
      `/api/v1/commands/active?agent=${agentId}`,
    );
    return Array.isArray(answer) ? answer : answer.items;
  };

  before(async function () {
    this.timeout(180_000); // a core, seeded agents, an sshd and a browser start; slow on a loaded machine
    requireChromium(this);
    rememberSecret(SECRETS.home);
    sshd = await startTestSshd();
    rememberSecret(sshd.privateKey);
    sshd.addContainer(101, 'good'); // pihole: enrolled
    sshd.addContainer(111, 'no-nodejs'); // cache: fails, saying why
    pve = await startPveStandIn(homeCluster(), { tokenId: TOKEN_ID, secret: SECRETS.home });
    const node = { hostKey: sshd.hostKey, host: '127.0.0.1' };
    pc = await startPanelCore((config) => {
      config.plugins.enabled = ['proxmox'];
      config.plugins.config = {
        proxmox: {
          endpoints: [{ name: 'home', url: pve.url, tokenId: TOKEN_ID, fingerprint: pve.fingerprint }],
          enrollment: { sshPort: sshd.port, sshUser: sshd.user, nodes: { pve1: node, pve2: node } },
        },
      };
      config.plugins.secrets = {
        proxmox: { tokens: { home: SECRETS.home }, ssh: { privateKey: sshd.privateKey } },
      };
    });
    // Matched by host name: web (102 on pve1), db (110 on pve2), and pve2's own host.
    hosts = await seedFleet(pc, [
      {
        hostname: 'web',
        online: true,
        packages: [
          { plugin: 'apt', name: 'openssl', severity: 'high', security: true },
          { plugin: 'apt', name: 'curl', severity: 'low' },
        ],
      },
      {
        hostname: 'db',
        online: true,
        packages: [{ plugin: 'apt', name: 'postgresql-15', severity: 'critical', security: true }],
      },
      {
        hostname: 'pve2',
        online: true,
        packages: [{ plugin: 'apt', name: 'pve-manager', severity: 'medium' }],
      },
    ]);
    // web's containers, from its docker scan (issue 23 §4): the tree lists them under the guest.
    const scan = dockerScan([
      outdatedContainer('proxy', 'docker.io/library/nginx', '1.27'),
      containerItem('app', 'ghcr.io/acme/app', '3'),
    ]);
    await publishUp(host('web').client!, host('web').identity, 'scan', scan);
    await host('web').down!.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === scan.id);
    await pc.api('POST', '/api/v1/plugins/proxmox/discover');
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await closeFleet(hosts ?? []);
    await pc?.close();
    await sshd?.close();
    assert.deepEqual(pve?.violations ?? [], [], 'answers outside the schema');
    await pve?.close();
  });

  it('shows clusters, nodes and guests with pending counts by severity, collapsible', async () => {
    const tree = await pc.api<ProxmoxTree>('GET', '/api/v1/plugins/proxmox/tree');
    assert.deepEqual(
      [tree.clusters[0]!.pending.critical, tree.clusters[0]!.pending.high, tree.clusters[0]!.pending.medium],
      [1, 1, 1],
    );
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts`);
    await signIn(page);
    const proxmox = page.getByRole('region', { name: 'Proxmox' });
    const cluster = proxmox.getByRole('group', { name: 'Cluster home' });
    await cluster.waitFor();
    const clusterLine = cluster.locator('.level').first();
    for (const badge of ['1 critical', '1 high', '1 medium', '1 low'])
      await clusterLine.getByText(badge).waitFor();

    const pve1 = cluster.getByRole('group', { name: 'Node pve1' });
    const pve2 = cluster.getByRole('group', { name: 'Node pve2' });
    await pve1.locator('.level').getByText('1 high').waitFor();
    await pve2.locator('.level').getByText('1 critical').waitFor();
    await pve2.locator('.level').getByText('1 medium').waitFor(); // pve2's own host
    const guests1 = pve1.getByRole('table', { name: 'Guests of pve1' });
    const web = guests1.getByRole('row', { name: /102 web/ });
    await web.getByRole('link', { name: '102 web' }).waitFor();
    await web.getByText('1 high').waitFor();
    await web.getByText('1 low').waitFor();
    const webContainers = guests1.getByRole('list', { name: 'Containers of web' });
    const proxy = webContainers.getByRole('listitem').filter({ hasText: 'proxy' });
    await proxy.getByText('docker.io/library/nginx:1.27').waitFor();
    await proxy.getByText('update available').waitFor();
    assert.equal(
      await webContainers
        .getByRole('listitem')
        .filter({ hasText: 'app' })
        .getByText('update available')
        .count(),
      0,
    );
    const toggle = web.getByRole('button', { name: '2 containers of 102 web' });
    await toggle.click();
    await webContainers.waitFor({ state: 'detached' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await proxy.waitFor();
    const pihole = guests1.getByRole('row', { name: /101 pihole/ });
    await pihole.getByText('no agent').waitFor();
    await pihole.getByRole('button', { name: 'Enroll 101 pihole' }).waitFor();
    assert.equal(
      await guests1.getByRole('button', { name: /Enroll 900/ }).count(),
      0,
      'no Enroll for a template',
    );
    assert.equal(await guests1.getByRole('button', { name: /Enroll 201/ }).count(), 0, 'no Enroll for a VM');
    await assertAccessible(page, 'proxmox tree');
    // Below the plugin's tree the hosts are one flat list, not a second tree from their metadata.
    const list = page.getByRole('table', { name: 'Hosts', exact: true });
    await list.getByRole('row', { name: /\bweb\b/ }).waitFor();
    assert.equal(
      await page.locator('section[aria-label^="Cluster "], section[aria-label="Proxmox nodes"]').count(),
      0,
    );

    await page.getByRole('button', { name: 'Collapse Node pve1' }).click();
    await guests1.waitFor({ state: 'detached' });
    assert.equal(
      await page.getByRole('button', { name: 'Expand Node pve1' }).getAttribute('aria-expanded'),
      'false',
    );
    await pve2.getByRole('table', { name: 'Guests of pve2' }).waitFor();
    await page.getByRole('button', { name: 'Collapse Cluster home' }).click();
    await pve2.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Expand Cluster home' }).click();
    await page.getByRole('button', { name: 'Expand Node pve1' }).waitFor(); // still collapsed
    await pve2.getByRole('table', { name: 'Guests of pve2' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("enrolls a guest without an agent from its Enroll button, over SSH, and shows the container's result", async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts`);
    await signIn(page);
    const guests1 = page.getByRole('table', { name: 'Guests of pve1' });
    const pihole = guests1.getByRole('row', { name: /101 pihole/ });
    await pihole.getByRole('button', { name: 'Enroll 101 pihole' }).click();
    await pihole.getByRole('status').getByText('enrolled: agent installed').waitFor({ timeout: 60_000 });
    assert.ok(
      sshd.pctCalls().some((c) => /exec 101 -- sh -s/.test(c)),
      `pct ran in container 101: ${sshd.pctCalls().join('; ')}`,
    );
    assert.ok(sshd.read(101, '/etc/redflag/agent.json'), 'the install ran in the container');

    const old = guests1.getByRole('row', { name: /103 old/ });
    await old.getByRole('button', { name: 'Enroll 103 old' }).click();
    await old.getByRole('status').getByText('skipped: stopped, not running').waitFor({ timeout: 60_000 });
    assert.ok(!sshd.pctCalls().some((c) => /exec 103/.test(c)), 'nothing ran for a stopped container');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('runs group actions from the node view: one command per guest, the progress live', async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts`);
    await signIn(page);
    await page.getByRole('link', { name: 'Node pve1' }).click();
    await page.getByRole('heading', { name: 'Node pve1', level: 1 }).waitFor();
    assert.match(page.url(), /#\/hosts\/proxmox\/home\/pve1$/);
    const actions = page.getByRole('region', { name: 'Actions on every guest' });
    const progressSays = (text: string | RegExp) =>
      actions.getByRole('status').filter({ hasText: text }).waitFor();

    await actions.getByRole('button', { name: 'Scan all' }).click();
    await progressSays(/Scan all: 0 of 1 finished/);
    const webId = host('web').identity.agentId;
    let scan: Command | undefined;
    await waitUntil(async () => {
      scan = (await activeCommands(webId)).find((c) => c.type === 'scan');
      return !!scan;
    }, 'the scan command of web');
    assert.equal(scan!.createdBy, 'plugin:proxmox');
    await sendResult(host('web'), scan!.id, 'succeeded');
    await progressSays('Scan all: 1 of 1 finished: 1 succeeded (done)');

    await actions.getByRole('button', { name: 'Install approved security updates' }).click();
    await progressSays(/Install approved security updates: 0 of 1 finished: 1 checking dependencies/);
    const dryRuns = (await activeCommands(webId)).filter((c) => c.type === 'dry_run');
    assert.deepEqual(
      dryRuns.map((c) => c.createdBy),
      ['plugin:proxmox for admin'],
      "one install flow through the workflow, recorded as the plugin's for the person who asked",
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("enrolls every running LXC of a node from its view, each container's result shown", async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts/proxmox/home/pve2`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Node pve2', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Enroll all running LXCs' }).click();
    const results = page.getByRole('table', { name: 'Enrollment results' });
    await results
      .getByRole('row', { name: /111 cache/ })
      .getByText(/^failed: exit \d+: .*Node\.js/)
      .waitFor({ timeout: 60_000 });
    await results
      .getByRole('row', { name: /110 db/ })
      .getByText('skipped: already has an agent')
      .waitFor();
    await page.getByRole('region', { name: 'Enrollment' }).getByRole('status').waitFor({ state: 'detached' });
    await assertAccessible(page, 'proxmox node view');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows a viewer the tree, from the agents the plugin placed, without actions', async () => {
    const viewer = { username: 'watcher', password: 'correct horse battery viewer' };
    await addTestUser(pc.core, viewer.username, viewer.password, 'viewer');
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts`);
    await signIn(page, viewer);
    const guests1 = page.getByRole('table', { name: 'Guests of pve1' });
    await guests1.getByRole('row', { name: /102 web/ }).waitFor();
    await guests1
      .getByRole('row', { name: /103 old/ })
      .getByText('no agent')
      .waitFor();
    assert.equal(await page.getByRole('button', { name: /^Enroll/ }).count(), 0, 'enrolling is for admins');
    await page.getByRole('link', { name: 'Node pve1' }).click();
    await page.getByRole('heading', { name: 'Node pve1', level: 1 }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Actions on every guest' }).count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
