import { type Browser, chromium } from 'playwright-core';

/**
 * Launching Debian's Chromium for the browser tests and the panel benchmark (no DOM types here,
 * so Node-only code such as test/bench can import it).
 */
export const CHROMIUM = process.env.REDFLAG_CHROMIUM ?? '/usr/bin/chromium';

export interface PanelBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no network chatter). */
export async function launchBrowser(): Promise<PanelBrowser> {
  // playwright-core gives every launch a new empty --user-data-dir of its own and removes it after.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
