import assert from 'node:assert/strict';
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

interface Listed<T> {
  items: T[];
  nextCursor: string | null;
}

describe('panel: history, enrollment and settings (Chromium)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];

  before(async function () {
    this.timeout(180_000); // a core, seeded agents and a browser start; slow on a loaded 2-core machine
    requireChromium(this);
    pc = await startPanelCore();
    hosts = await seedFleet(pc, [
      {
        hostname: 'nas',
        online: true,
        packages: [{ plugin: 'apt', name: 'samba', severity: 'high', security: true }],
      },
    ]);
    // More events than one page holds, so "Older events" pages by key.
    for (let i = 0; i < 120; i++)
      await pc.core.events.record({
        agentId: hosts[0]!.identity.agentId,
        type: 'test',
        subtype: `seeded-${i}`,
        severity: i % 10 === 0 ? 'error' : 'info',
        component: 'core',
        message: `seeded event ${i}`,
        metadata: {},
      });
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await closeFleet(hosts ?? []);
    await pc?.close();
  });

  it('history: shows the events, filters by severity and host, pages older ones', async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/history`);
    await signIn(page);
    const table = page.getByRole('table', { name: 'Events' });
    await table.getByText('seeded event 119').waitFor();
    const first = await pc.api<Listed<{ message: string }>>('GET', '/api/v1/events?limit=100');
    assert.equal(await table.locator('tbody tr').count(), first.items.length);
    await assertAccessible(page, 'history page');
    await screenshot(page, 'history-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'history-phone');
    await page.setViewportSize(DESKTOP);

    await page.getByRole('button', { name: 'Older events' }).click();
    await table.getByText('seeded event 0', { exact: true }).waitFor();

    await page.getByLabel('Severity').selectOption('error');
    await page.waitForURL(/severity=error/);
    const errorsOnly = await pc.api<Listed<{ message: string }>>('GET', '/api/v1/events?minSeverity=error');
    await table.getByText(errorsOnly.items[0]!.message, { exact: true }).waitFor();
    await page.waitForFunction((n) => {
      const app = document.querySelector('rf-app');
      const hist = app?.shadowRoot?.querySelector('rf-history-page');
      return hist?.shadowRoot?.querySelectorAll('tbody tr').length === n;
    }, errorsOnly.items.length);
    await page.getByLabel('Host').selectOption({ label: 'nas' });
    await page.waitForURL(/agent=/);
    assert.match(await table.innerText(), /nas/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('enrollment: creates a token, shows the install line once with a copy button, revokes it', async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/enrollment`);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(pc.url).origin });
    await signIn(page);
    await page.getByRole('heading', { name: 'New registration token' }).waitFor();
    // Checked in the page first, then by the core: the error stands next to the field.
    await page.getByLabel('Label').fill('rack 2');
    await page.getByLabel('Expires after').fill('soon');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByText('Like 30m, 12h, 7d or 2w').waitFor();
    await page.getByLabel('Expires after').fill('7d');
    await page.getByLabel('Seats').fill('3');
    await page.getByRole('button', { name: 'Create token' }).click();
    const line = page.getByLabel('Install command');
    await line.waitFor();
    const install = await line.innerText();
    assert.match(install, /rf1_/);
    await page.getByRole('button', { name: 'Copy install command' }).click();
    await page.getByText('Copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), install);

    const table = page.getByRole('table', { name: 'Registration tokens' });
    const row = table.getByRole('row', { name: /rack 2/ });
    assert.match(await row.innerText(), /usable[\s\S]*0 of 3/);
    await assertAccessible(page, 'enrollment page');
    await screenshot(page, 'enrollment-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'enrollment-phone');
    await page.setViewportSize(DESKTOP);

    await page.getByRole('button', { name: 'Done, hide it' }).click();
    assert.equal(await page.getByLabel('Install command').count(), 0, 'the token is shown once');
    await row.getByRole('button', { name: 'Revoke rack 2' }).click();
    await row.getByText('revoked').waitFor();
    const listed = await pc.api<Array<{ label: string; state: string }>>(
      'GET',
      '/api/v1/registration-tokens',
    );
    assert.equal(listed.find((t) => t.label === 'rack 2')?.state, 'revoked');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('settings: adds a user, creates an API token shown once, revokes it; field errors from the API', async () => {
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/settings`);
    await signIn(page);
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('rowheader', { name: 'admin' }).waitFor();
    await page.getByLabel('Username').fill('viewer1');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Add user' }).click();
    // The core's validation answer (details.instancePath /password) stands next to the field.
    await page
      .locator('#u-password-error')
      .getByText(/fewer than 8/)
      .waitFor();
    await page.getByLabel('Password').fill('long enough password');
    // The new user's role (each listed user has a "Role of <name>" select too).
    await page.getByRole('region', { name: 'Users' }).locator('#u-role').selectOption('viewer');
    await page.getByRole('button', { name: 'Add user' }).click();
    await users.getByRole('rowheader', { name: 'viewer1' }).waitFor();

    await page.getByLabel('Token name').fill('homepage dashboard');
    await page.getByRole('button', { name: 'Create API token' }).click();
    const token = await page.getByLabel('API token', { exact: true }).innerText();
    assert.match(token, /^rfat_/);
    const check = await fetch(`${pc.url}api/v1/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(check.status, 200, 'the token shown works');
    await assertAccessible(page, 'settings page');
    await screenshot(page, 'settings-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'settings-phone');
    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: 'Revoke token homepage dashboard' }).click();
    await page
      .getByRole('table', { name: 'API tokens' })
      .getByRole('row', { name: /homepage dashboard/ })
      .getByText('revoked')
      .waitFor();
    const after = await fetch(`${pc.url}api/v1/auth/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(after.status, 401);
    // Policies, maintenance windows and scan schedules: add, see, disable, with the API's errors.
    const rules = page.getByRole('region', { name: 'Policies' });
    await rules.getByLabel('Rule name').fill('kernels wait');
    await rules.getByLabel('Package name glob').fill('linux-image-*');
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await rules.getByRole('table', { name: 'Policies' }).getByText('name linux-image-*').waitFor();
    await rules.getByRole('button', { name: 'Disable rule kernels wait' }).click();
    await rules
      .getByRole('row', { name: /kernels wait/ })
      .getByText('disabled')
      .waitFor();
    const policies = await pc.api<Array<{ name: string; kind: string; enabled: boolean }>>(
      'GET',
      '/api/v1/policies',
    );
    assert.deepEqual(
      policies.map((p) => [p.name, p.kind, p.enabled]),
      [['kernels wait', 'hold', false]],
    );

    const windows = page.getByRole('region', { name: 'Maintenance windows' });
    await windows.getByLabel('Window name').fill('nightly');
    await windows.getByLabel('Sat').check();
    await windows.getByLabel('Start (HH:MM)').fill('25:00');
    await windows.getByLabel('End (HH:MM)').fill('05:00');
    await windows.getByRole('button', { name: 'Add window' }).click();
    await windows.locator('#window-startTime-error').waitFor();
    await windows.getByLabel('Start (HH:MM)').fill('02:00');
    await windows.getByRole('button', { name: 'Add window' }).click();
    await windows.getByRole('table', { name: 'Maintenance windows' }).getByText('02:00–05:00 UTC').waitFor();

    const schedules = page.getByRole('region', { name: 'Scan schedules' });
    await schedules.getByLabel('Scan package manager').fill('apt');
    await schedules.getByLabel('Every (minutes)').fill('0');
    await schedules.getByRole('button', { name: 'Add schedule' }).click();
    // core/policy refuses the range without a field path: the reason stands under the form.
    assert.match(await schedules.getByRole('alert').innerText(), /60|minute/i);
    await schedules.getByLabel('Every (minutes)').fill('120');
    await schedules.getByRole('button', { name: 'Add schedule' }).click();
    await schedules.getByRole('table', { name: 'Scan schedules' }).getByText('120 min').waitFor();
    await assertAccessible(page, 'settings page with rules');
    await screenshot(page, 'settings-rules-desktop');

    // The refused user (400) is logged by the browser, and reported as a client error (a 404
    // while the core has no POST /api/v1/client-errors): requests, not page errors.
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    );
    await context.close();
  });

  it('settings: plugin settings — lists the plugins the hosts report, saves and sends them to each host', async () => {
    const nas = hosts[0]!;
    const { page, context, errors } = await openPage(chromium.browser, `${pc.url}#/settings`);
    await signIn(page);
    const section = page.getByRole('region', { name: 'Plugin settings' });
    const apt = section.getByRole('form', { name: 'Settings of apt' });
    await apt.waitFor();
    assert.match(await apt.innerText(), /package-manager · 1 host/);
    const editor = apt.getByLabel('Settings of apt (JSON)');
    assert.equal(await editor.inputValue(), '{}');

    await editor.fill('{"updateBeforeScan": false,');
    await apt.getByRole('button', { name: 'Save apt and send to 1 host' }).click();
    await apt
      .getByRole('alert')
      .getByText(/not JSON/)
      .waitFor();
    await editor.fill('["not", "an object"]');
    await apt.getByRole('button', { name: 'Save apt and send to 1 host' }).click();
    await apt
      .getByRole('alert')
      .getByText(/JSON object/)
      .waitFor();

    await editor.fill('{"updateBeforeScan": false, "lockTimeoutSeconds": 60}');
    await apt.getByRole('button', { name: 'Save apt and send to 1 host' }).click();
    // The host's agent receives the signed set_config over MQTT.
    const sent = await nas.down!.waitFor((m) => m.type === 'command' && m.payload.type === 'set_config');
    assert.deepEqual(sent.payload.params, {
      pluginSettings: { apt: { updateBeforeScan: false, lockTimeoutSeconds: 60 } },
    });
    await apt.getByText(/changed by admin/).waitFor();
    const stored = await pc.api<{ items: Array<{ plugin: string; settings: object }> }>(
      'GET',
      '/api/v1/plugin-settings',
    );
    assert.deepEqual(stored.items.find((p) => p.plugin === 'apt')?.settings, {
      updateBeforeScan: false,
      lockTimeoutSeconds: 60,
    });
    // Another admin's change arrives live (a settings event), without a reload.
    await pc.api('PUT', '/api/v1/plugin-settings/apt', { settings: { updateBeforeScan: true } });
    await waitUntil(
      async () => JSON.parse(await editor.inputValue()).updateBeforeScan === true,
      'live change',
    );
    await assertAccessible(page, 'plugin settings');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
