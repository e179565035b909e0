import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../broker/protocol/index.js';
import { ingestScan } from '../../core/updates/index.js';
import { envelope, registerSimAgent, scanPackage } from '../helpers/sim-agent.js';
import type { FleetStats } from '../../panel/src/data/api-types.js';
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
import { type PanelCore, signIn, startPanelCore } from './panel-core.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
const pkg = (i: number): ScanPackage =>
  scanPackage(`pkg-${i}`, {
    plugin: i % 3 === 0 ? 'flatpak' : 'apt',
    severity: SEVERITIES[i % 5]!,
    security: i % 4 === 0,
  });

describe('panel: dashboard (Chromium)', function () {
  let panel: PanelCore;
  let chromium: PanelBrowser;

  before(async function () {
    this.timeout(180_000);
    requireChromium(this);
    panel = await startPanelCore();
    for (const host of ['web-1', 'db-1']) {
      const { identity } = await registerSimAgent(panel.core.httpUrl, await panel.core.createToken(), {
        hostname: host,
      });
      const now = new Date().toISOString();
      for (const plugin of ['apt', 'flatpak'])
        await ingestScan(panel.core, identity!.agentId, {
          ...envelope(),
          batchId: randomUUID(),
          plugin,
          complete: true,
          startedAt: now,
          finishedAt: now,
          packages: Array.from({ length: 40 }, (_, i) => pkg(i)).filter((p) => p.plugin === plugin),
        });
    }
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await panel?.close();
  });

  it('shows the figures GET /api/v1/stats answers, accessibly, at desktop and phone width', async () => {
    const stats = await panel.api<FleetStats>('GET', '/api/v1/stats?days=30');
    assert.ok(stats.pending.total > 0, 'the seed has pending updates');
    const { page, context, errors } = await openPage(chromium.browser, panel.url);
    await signIn(page);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.locator('[data-stat="pending"] .n').waitFor();
    const stat = async (id: string) => Number(await page.locator(`[data-stat="${id}"] .n`).innerText());
    assert.equal(await stat('pending'), stats.pending.total);
    assert.equal(await stat('security'), stats.pending.security);
    assert.equal(await stat('online'), stats.agents.online);
    assert.equal(await stat('offline'), stats.agents.offline);
    assert.equal(await stat('reboot'), stats.agents.rebootRequired);
    assert.equal(await stat('failed'), stats.failedCommands.count);
    for (const sev of SEVERITIES)
      assert.equal(
        Number(await page.locator(`[data-severity="${sev}"]`).innerText()),
        stats.pending[sev] ?? 0,
        sev,
      );
    for (const [plugin, n] of Object.entries(stats.byPlugin))
      assert.equal(Number(await page.locator(`[data-plugin="${plugin}"]`).innerText()), n, plugin);
    await assertAccessible(page, 'dashboard');
    await screenshot(page, 'dashboard-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'dashboard-phone');
    await page.setViewportSize(DESKTOP);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
