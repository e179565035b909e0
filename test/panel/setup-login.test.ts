import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../helpers/core.js';
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
import { signIn } from './panel-core.js';

describe('panel: first-run setup and sign-in (Chromium)', function () {
  let core: TestCore;
  let chromium: PanelBrowser;

  before(async function () {
    this.timeout(180_000); // a core and a browser start; slow on a loaded 2-core machine
    requireChromium(this);
    core = await startTestCore('PGlite');
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await core?.close();
  });

  it('creates the first admin from the setup link, signs in and forgets the token', async () => {
    assert.ok(core.setupToken, 'a fresh core has a setup token');
    const { page, context, errors } = await openPage(
      chromium.browser,
      `${core.httpUrl}/#/setup?token=${core.setupToken}`,
    );
    await page.getByRole('heading', { name: 'Welcome to RedFlag' }).waitFor();
    await assertAccessible(page, 'setup page');
    await screenshot(page, 'setup-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'setup-phone');
    await page.setViewportSize(DESKTOP);
    await page.getByLabel('Username').fill('first');
    await page.getByLabel('Password').fill('first admin password');
    await page.getByRole('button', { name: 'Create admin' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    assert.doesNotMatch(page.url(), /token=/, 'the used token left the address bar');
    assert.match(await page.locator('header').innerText(), /first \(admin\)/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('refuses a wrong password with a message, then signs in', async () => {
    const { page, context } = await openPage(chromium.browser, `${core.httpUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to RedFlag' }).waitFor();
    await assertAccessible(page, 'sign-in page');
    await screenshot(page, 'login-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'login-phone');
    await page.setViewportSize(DESKTOP);
    await page.getByLabel('Username').fill('first');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /invalid|wrong|incorrect/i);
    await signIn(page, { username: 'first', password: 'first admin password' });
    // A reload keeps the session (cookie) and gets the CSRF token again.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to RedFlag' }).waitFor();
    await context.close();
  });
});
