import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { envelope, publishUp } from '../helpers/sim-agent.js';
import { sendProgress, sendResult } from './agent-commands.js';
import {
  assertAccessible,
  DESKTOP,
  launchBrowser,
  openPage,
  type PanelBrowser,
  PHONE,
  requireChromium,
  screenshot,
} from './browser.js';
import { closeFleet, type SeededHost, seedFleet, waitUntil } from './fleet-seed.js';
import { type PanelCore, signIn, startPanelCore } from './panel-core.js';

describe('panel: hosts and host detail (Chromium)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];

  before(async function () {
    this.timeout(180_000); // a core, seeded agents and a browser start; slow on a loaded 2-core machine
    requireChromium(this);
    pc = await startPanelCore();
    hosts = await seedFleet(pc, [
      {
        hostname: 'web-01',
        online: true,
        packages: [
          { plugin: 'apt', name: 'openssl', severity: 'high', security: true },
          { plugin: 'apt', name: 'curl', severity: 'low' },
          {
            plugin: 'docker',
            name: 'nginx',
            severity: 'unknown',
            metadata: { image: 'nginx', tag: '1.27', containers: ['proxy'] },
          },
          {
            plugin: 'docker',
            name: 'jellyfin',
            severity: 'unknown',
            // As the docker plugin sends them: beside the record's fields (docs/protocol.md "scan").
            fields: {
              image: 'jellyfin/jellyfin',
              tag: 'latest',
              containerIds: [`0c2f6a9e1b7d${'4'.repeat(52)}`],
              localDigests: [`sha256:6a1e9c4c5b0d${'1'.repeat(52)}`],
              remoteDigest: `sha256:0f1e2d3c4b5a${'2'.repeat(52)}`,
              platform: 'linux/amd64',
            },
          },
        ],
      },
      {
        hostname: 'db-01',
        online: true,
        packages: [{ plugin: 'apt', name: 'postgresql-15', severity: 'medium' }],
      },
      { hostname: 'cold-spare', online: false },
    ]);
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await closeFleet(hosts ?? []);
    await pc?.close();
  });

  it('lists every host with status, OS and agent version, searchable, at both widths', async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts`);
    await signIn(page);
    const table = page.getByRole('table', { name: 'Hosts' });
    await table.waitFor();
    const api = await pc.api<{ items: Array<{ hostname: string; online: boolean }> }>(
      'GET',
      '/api/v1/agents',
    );
    assert.equal(api.items.length, 3);
    for (const a of api.items) {
      const row = table.getByRole('row', { name: new RegExp(a.hostname) });
      await row.waitFor();
      assert.match(await row.innerText(), a.online ? /online/ : /offline/);
    }
    assert.match(await table.innerText(), /Debian GNU\/Linux 12/);
    assert.match(await table.innerText(), /9\.9\.9-test/);
    // Pending counts by severity come from the agents list.
    assert.match(await table.getByRole('row', { name: /web-01/ }).innerText(), /1 high[\s\S]*1 low/);
    await assertAccessible(page, 'hosts page');
    await screenshot(page, 'hosts-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'hosts-phone');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('searchbox', { name: 'Search' }).fill('db-');
    await page.getByText('1 of 3 hosts').waitFor();
    assert.match(page.url(), /q=db-/, 'the search is in the address, so it survives a reload');
    await page.getByLabel('Status').selectOption('offline');
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.getByText('1 of 3 hosts').waitFor();
    assert.match(await table.innerText(), /cold-spare/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('groups hosts as cluster → node → guests once agents carry Proxmox data', async () => {
    const [web, db] = hosts;
    await pc.core.db.agents.setOnline(web!.identity.agentId, true, {
      proxmox: { cluster: 'homelab', node: 'pve1', kind: 'lxc', vmid: 101 },
    });
    await pc.core.db.agents.setOnline(db!.identity.agentId, true, {
      proxmox: { cluster: 'homelab', node: 'pve1', kind: 'qemu', vmid: 100 },
    });
    const { page, context } = await openPage(chromium.browser, `${pc.url}#/hosts`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Cluster homelab' }).waitFor();
    const node = page.getByRole('table', { name: 'Node pve1' });
    assert.match(await node.innerText(), /db-01[\s\S]*web-01/, 'guests in vmid order');
    assert.match(await page.getByRole('table', { name: 'Other hosts' }).innerText(), /cold-spare/);
    await assertAccessible(page, 'hosts tree');
    await screenshot(page, 'hosts-tree-desktop');
    await context.close();
  });

  it('shows a host with its updates, Docker images and actions; scan now creates a command that shows up', async () => {
    const web = hosts[0]!;
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/hosts/${web.identity.agentId}`,
    );
    await signIn(page);
    await page.getByRole('heading', { name: 'web-01' }).waitFor();
    const updates = page.getByRole('table', { name: 'Pending updates of this host' });
    await updates.waitFor();
    assert.match(await updates.innerText(), /openssl[\s\S]*high/);
    assert.match(await updates.innerText(), /curl/);
    assert.doesNotMatch(await updates.innerText(), /nginx/, 'docker records are in their own section');
    const docker = await page.getByRole('table', { name: 'Docker image updates' }).innerText();
    assert.match(docker, /nginx:1\.27[\s\S]*proxy/);
    assert.match(
      docker,
      /jellyfin\/jellyfin:latest[\s\S]*0c2f6a9e1b7d\b[\s\S]*sha256:6a1e9c4c5b0d\b[\s\S]*sha256:0f1e2d3c4b5a\b[\s\S]*new image/,
      'image:tag, the short container id, the local and the registry digest',
    );
    await assertAccessible(page, 'host page');
    await screenshot(page, 'host-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'host-phone');
    await page.setViewportSize(DESKTOP);

    await page.getByRole('button', { name: 'Scan apt now' }).click();
    const command = await web.down!.waitFor(
      (m) =>
        m.type === 'command' &&
        m.payload.type === 'scan' &&
        (m.payload.params as { plugin?: string }).plugin === 'apt',
    );
    // The command shows up under Commands, and its progress streams in as the agent runs it.
    const commandId = String(command.payload.id);
    const item = page.locator(`rf-host-page rf-command-item[data-command="${commandId}"]`);
    await item.getByText('scan apt').waitFor();
    await sendProgress(web, commandId, 0, 'Reading package lists...', { stream: 'status', percent: 40 });
    await sendProgress(web, commandId, 1, 'openssl/bookworm-security 3.0.15 amd64 [upgradable]');
    await item.getByText('[upgradable]').waitFor();
    assert.deepEqual(await item.locator('.log li').allInnerTexts(), [
      'Reading package lists...',
      'openssl/bookworm-security 3.0.15 amd64 [upgradable]',
    ]);
    assert.equal(await item.locator('[data-status]').getAttribute('data-status'), 'running');
    const listed = await pc.api<{ items: Array<{ id: string; type: string }> }>(
      'GET',
      `/api/v1/commands?agent=${web.identity.agentId}`,
    );
    assert.ok(listed.items.some((c) => c.id === command.payload.id && c.type === 'scan'));

    // A second scan while the first is active is refused (409) and said so, not hidden.
    await page.getByRole('button', { name: 'Scan apt now' }).click();
    await page
      .getByText(/already|active|duplicate/i)
      .first()
      .waitFor();
    errors.splice(0); // the refused request is a console error by design
    await sendResult(web, commandId, 'succeeded');
    await waitUntil(
      async () => (await item.locator('[data-status]').getAttribute('data-status')) === 'succeeded',
      'the scan finished, shown live',
    );
    await context.close();
  });

  it('follows the host live without a reload: metrics, a new pending update, an event', async () => {
    const db = hosts[1]!;
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/hosts/${db.identity.agentId}`,
    );
    await signIn(page);
    await page.getByRole('heading', { name: 'db-01' }).waitFor();
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    const metrics = page.getByRole('region', { name: 'Metrics' });
    await metrics.getByText('No metrics received').waitFor();

    await publishUp(db.client!, db.identity, 'metrics', {
      ...envelope(),
      uptimeSec: 90_000,
      load: [0.5, 0.25, 0.125],
      memory: { totalBytes: 8 * 1024 ** 3, availableBytes: 6 * 1024 ** 3 },
      disks: [{ mount: '/', totalBytes: 100 * 1024 ** 3, freeBytes: 40 * 1024 ** 3 }],
    });
    await metrics.getByText('2.0 GiB of 8.0 GiB').waitFor();
    await metrics.getByText('60 GiB of 100 GiB').waitFor();
    await metrics.getByText('1d 1h').waitFor();

    const now = new Date().toISOString();
    const scan = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: ['postgresql-15', 'libpq5'].map((name) => ({
        plugin: 'apt',
        name,
        arch: 'amd64',
        currentVersion: '15.8-0+deb12u1',
        availableVersion: '15.10-0+deb12u1',
        severity: 'medium',
        source: 'bookworm-security',
        security: true,
        metadata: {},
      })),
    };
    await publishUp(db.client!, db.identity, 'scan', scan);
    const updates = page.getByRole('table', { name: 'Pending updates of this host' });
    await updates.getByText('libpq5').waitFor();
    await page.getByRole('heading', { name: 'Pending updates (2)' }).waitFor();

    await publishUp(db.client!, db.identity, 'event', {
      ...envelope(),
      type: 'agent.test',
      severity: 'warning',
      message: 'disk almost full on /var',
    });
    await page.getByRole('region', { name: 'History' }).getByText('disk almost full on /var').waitFor();
    assert.equal(
      await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere),
      true,
      'the page was never reloaded',
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows a host refused for a copied identity as needing attention; an admin rebinds it (issue 21 §5)', async () => {
    const spare = hosts[2]!;
    const id = spare.identity.agentId;
    // As the core records it when a hello comes from another machine (test/core/fleet/identity.test.ts).
    await pc.core.db.agents.markIdentityConflict(id, {
      kind: 'machine_id_mismatch',
      detectedAt: new Date().toISOString(),
      addresses: ['192.0.2.7'],
      registeredMachine: 'aaaaaaaaaaaa',
      presentedMachine: 'bbbbbbbbbbbb',
    });
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/hosts/${id}`);
    await signIn(page);
    const alert = page.getByRole('alert', { name: 'Needs attention' });
    await alert.waitFor();
    assert.match(
      (await alert.textContent()) ?? '',
      /from 192\.0\.2\.7 from machine bbbbbbbbbbbb…, but it is bound to machine aaaaaaaaaaaa…/,
    );
    await page.locator('dd', { hasText: 'needs attention' }).waitFor();
    await assertAccessible(page, 'identity conflict');
    await alert.getByRole('button', { name: 'Rebind' }).click();
    await waitUntil(
      async () =>
        (await pc.api<{ identityConflict: unknown }>('GET', `/api/v1/agents/${id}`)).identityConflict ===
        null,
      'rebound',
    );
    await alert.waitFor({ state: 'detached' });
    await page.locator('dd', { hasText: 'offline' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('revokes a host only after a confirmation (admin)', async () => {
    const spare = hosts[2]!;
    const { page, context } = await openPage(chromium.browser, `${pc.url}#/hosts/${spare.identity.agentId}`);
    await signIn(page);
    await page.getByRole('button', { name: 'Revoke…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm revoke' });
    await confirm.waitFor();
    await assertAccessible(page, 'revoke confirmation');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(
      (await pc.api<{ status: string }>('GET', `/api/v1/agents/${spare.identity.agentId}`)).status,
      'active',
    );
    await page.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByRole('button', { name: 'Revoke cold-spare' }).click();
    await waitUntil(
      async () =>
        (await pc.api<{ status: string }>('GET', `/api/v1/agents/${spare.identity.agentId}`)).status ===
        'revoked',
      'revoked',
    );
    await page.locator('dd', { hasText: 'revoked' }).waitFor();
    await context.close();
  });
});
