import assert from 'node:assert/strict';
import { publishUp } from '../helpers/sim-agent.js';
import { containerItem, dockerScan, outdatedContainer } from '../helpers/containers.js';
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

/** Issue 24 §5: a host's containers on its page, and the fleet's on their own page. */
describe('panel: containers of a host and of the fleet (Chromium)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];

  /** A docker scan with this inventory, over MQTT as the agent sends it, stored before it returns. */
  async function reportContainers(host: SeededHost, containers: Parameters<typeof dockerScan>[0]) {
    const scan = dockerScan(containers);
    await publishUp(host.client!, host.identity, 'scan', scan);
    await host.down!.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === scan.id);
  }

  before(async function () {
    this.timeout(180_000); // a core, seeded agents and a browser start; slow on a loaded 2-core machine
    requireChromium(this);
    pc = await startPanelCore();
    hosts = await seedFleet(pc, [
      { hostname: 'media-01', online: true, packages: [{ plugin: 'apt', name: 'curl', severity: 'low' }] },
      { hostname: 'nas-01', online: true },
      { hostname: 'plain-01', online: true },
    ]);
    await reportContainers(hosts[0]!, [
      {
        ...outdatedContainer('jellyfin', 'docker.io/jellyfin/jellyfin', 'latest'),
        composeProject: 'media',
        composeService: 'jellyfin',
      },
      containerItem('caddy', 'docker.io/library/caddy', '2', { health: 'healthy' }),
    ]);
    await reportContainers(hosts[1]!, [
      outdatedContainer('grafana', 'docker.io/grafana/grafana', '11.1.0'),
      containerItem('builder', 'localhost/builder', 'latest', {
        checkStatus: 'not_checkable',
        checkReason: 'built locally (localhost/…)',
        localDigests: [],
        remoteDigest: undefined,
        state: 'exited',
      }),
    ]);
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await closeFleet(hosts ?? []);
    await pc?.close();
  });

  it("shows a host's containers with image, tag, short digests, state and update status; Update starts the dry run", async () => {
    const media = hosts[0]!;
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${pc.url}#/hosts/${media.identity.agentId}`,
    );
    await signIn(page);
    const section = page.getByRole('region', { name: 'Containers' });
    await section.getByRole('heading', { name: 'Containers (2, 1 with an update)' }).waitFor();
    const table = section.getByRole('table', { name: 'Containers' });
    const jellyfin = table.getByRole('row', { name: /jellyfin/ });
    const row = await jellyfin.innerText();
    assert.match(row, /docker\.io\/jellyfin\/jellyfin/);
    assert.match(row, /latest/);
    assert.match(row, /update available/);
    assert.match(row, /compose media\/jellyfin/);
    // Digests shortened as `docker images --digests` does, the full one in the title.
    const [local, remote] = [
      outdatedContainer('jellyfin', 'docker.io/jellyfin/jellyfin', 'latest').localDigests[0]!,
      outdatedContainer('jellyfin', 'docker.io/jellyfin/jellyfin', 'latest').remoteDigest!,
    ];
    assert.ok(row.includes(local.slice(0, 19)) && !row.includes(local), row);
    assert.ok(row.includes(remote.slice(0, 19)), row);
    assert.match(
      await table.getByRole('row', { name: /caddy/ }).innerText(),
      /running \(healthy\)[\s\S]*up to date/,
    );
    assert.equal(await section.getByRole('row', { name: /plain|curl/ }).count(), 0, 'only containers');
    await assertAccessible(page, 'host containers');
    await screenshot(page, 'host-containers-desktop');

    // Under 600 px each container is a card: no nine-column table on a phone.
    await page.setViewportSize(PHONE);
    const card = section
      .getByRole('list', { name: 'Containers' })
      .getByRole('listitem')
      .filter({ hasText: 'jellyfin' });
    await card.waitFor();
    assert.equal(await table.isVisible(), false);
    assert.match(await card.innerText(), /update available[\s\S]*Local[\s\S]*sha256:/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page scrolls sideways: ${width} px`);
    await screenshot(page, 'host-containers-phone');
    await page.setViewportSize(DESKTOP);

    // The action approves the image's docker record: the workflow issues its dry run.
    await table.getByRole('button', { name: 'Update jellyfin on media-01' }).click();
    await waitUntil(async () => {
      const commands = await pc.core.db.commands.listForAgent(media.identity.agentId);
      return commands.some((c) => c.type === 'dry_run' && JSON.stringify(c.params).includes('jellyfin'));
    }, 'the dry run of the jellyfin image');
    await table
      .getByRole('row', { name: /jellyfin/ })
      .getByText('checking dependencies')
      .waitFor();
    assert.equal(await table.getByRole('button', { name: /Update jellyfin/ }).count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('lists the fleet’s containers on their own page, filtered by status, host and text, kept in the address', async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/`);
    await signIn(page);
    await page.getByRole('link', { name: 'Containers' }).first().click();
    const table = page.getByRole('table', { name: 'Containers' });
    await table.getByRole('row', { name: /grafana/ }).waitFor();
    const names = async () =>
      await table
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-container')));
    assert.deepEqual(await names(), ['caddy', 'jellyfin', 'builder', 'grafana']);
    assert.match(
      await table.getByRole('row', { name: /builder/ }).innerText(),
      /nas-01[\s\S]*not checkable[\s\S]*built locally/,
    );

    await page.getByLabel('Status').selectOption('update_available');
    await waitUntil(async () => (await names()).join() === 'jellyfin,grafana', 'the status filter');
    assert.match(page.url(), /status=update_available/);
    await page.getByLabel('Host').selectOption({ label: 'nas-01' });
    await waitUntil(async () => (await names()).join() === 'grafana', 'the host filter');
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Host').selectOption('');
    await page.getByRole('searchbox', { name: 'Search' }).fill('cadd');
    await waitUntil(async () => (await names()).join() === 'caddy', 'the search');
    assert.match(page.url(), /q=cadd/);

    // The filter survives a reload: it is in the address.
    await page.reload();
    await waitUntil(async () => (await names()).join() === 'caddy', 'the search after a reload');
    await assertAccessible(page, 'fleet containers');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'containers-phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page scrolls sideways: ${width} px`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows a new container once its host reports it, without a reload', async () => {
    const { page, context } = await openPage(
      chromium.browser,
      `${pc.url}#/containers?agent=${hosts[2]!.identity.agentId}`,
    );
    await signIn(page);
    await page.getByText('No containers match.').waitFor();
    await reportContainers(hosts[2]!, [containerItem('whoami', 'docker.io/traefik/whoami', 'v1')]);
    await page
      .getByRole('table', { name: 'Containers' })
      .getByRole('row', { name: /whoami/ })
      .waitFor();
    await context.close();
  });
});
