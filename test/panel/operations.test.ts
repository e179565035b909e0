import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Locator, Page } from 'playwright-core';
import type { WebSocketServer } from 'ws';
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

interface Command {
  id: string;
  agentId: string;
  type: string;
  status: string;
  attempt: number;
  retriedFromId: string | null;
}

/** Issue 9 §1 "Live operations" against a real core, a real agent connection and Chromium. */
describe('panel: live operations (Chromium)', function () {
  let pc: PanelCore;
  let chromium: PanelBrowser;
  let hosts: SeededHost[];
  let web: SeededHost;
  let spare: SeededHost;

  before(async function () {
    this.timeout(180_000); // a core, seeded agents and a browser start; slow on a loaded 2-core machine
    requireChromium(this);
    pc = await startPanelCore();
    hosts = await seedFleet(pc, [
      { hostname: 'web-01', online: true, packages: [{ plugin: 'apt', name: 'curl', severity: 'low' }] },
      { hostname: 'cold-spare', online: false },
    ]);
    [web, spare] = hosts as [SeededHost, SeededHost];
    chromium = await launchBrowser();
  });
  after(async () => {
    await chromium?.close();
    await closeFleet(hosts ?? []);
    await pc?.close();
  });

  /** Issues a command through the API and, for an online host, waits until its agent has it. */
  async function issue(host: SeededHost, type: string, params: object = {}): Promise<Command> {
    const command = await pc.api<Command>('POST', '/api/v1/commands', {
      agentId: host.identity.agentId,
      type,
      params,
    });
    if (host.down) await host.down.waitFor((m) => m.type === 'command' && m.payload.id === command.id);
    return command;
  }

  const commandOf = (id: string) => pc.api<Command>('GET', `/api/v1/commands/${id}`);
  const storedLines = async (id: string) =>
    (await pc.api<{ lines: unknown[] }>('GET', `/api/v1/commands/${id}/output`)).lines.length;
  const item = (page: Page, id: string) => page.locator(`rf-command-item[data-command="${id}"]`);
  const linesOf = (it: Locator) => it.locator('.log li').allInnerTexts();
  const statusOf = (it: Locator) => it.locator('[data-status]').getAttribute('data-status');

  async function openOperations(hash = '#/operations') {
    const opened = await openPage(chromium.browser, `${pc.url}${hash}`);
    await signIn(opened.page);
    await opened.page.getByRole('heading', { name: 'Operations' }).waitFor();
    return opened;
  }

  it('streams a command’s output into the page line by line, in order: the stored lines, then the live ones', async () => {
    const command = await issue(web, 'scan', { plugin: 'apt' });
    // Three lines before the page opens: they are the backlog the page reads first.
    for (let seq = 0; seq < 3; seq++) await sendProgress(web, command.id, seq, `backlog line ${seq}`);
    await waitUntil(async () => (await storedLines(command.id)) === 3, 'backlog stored');

    const { page, context, errors } = await openOperations();
    const it = item(page, command.id);
    await it.getByRole('log', { name: 'Output of scan apt on web-01' }).waitFor();
    await it.getByText('backlog line 2').waitFor();
    assert.equal(await statusOf(it), 'running');
    assert.match(await it.locator('article').innerText(), /web-01/);
    assert.match(
      await it.getByRole('list', { name: 'Timeline' }).innerText(),
      /created[\s\S]*sent[\s\S]*running/,
    );

    // Then the live ones, one at a time: each shows up after the ones before it, none twice.
    const expected = ['backlog line 0', 'backlog line 1', 'backlog line 2'];
    for (let seq = 3; seq < 8; seq++) {
      const line = `live line ${seq}`;
      await sendProgress(web, command.id, seq, line, {
        stream: seq === 5 ? 'stderr' : 'stdout',
        percent: seq * 10,
      });
      expected.push(line);
      await it.getByText(line).waitFor();
      assert.deepEqual(await linesOf(it), expected);
    }
    await it.getByText('70%').waitFor();

    await sendResult(web, command.id, 'succeeded');
    await waitUntil(async () => (await statusOf(it)) === 'succeeded', 'succeeded shown live');
    assert.deepEqual(await linesOf(it), expected, 'the output stays as it was');
    assert.match(await it.getByRole('list', { name: 'Timeline' }).innerText(), /finished/);

    await assertAccessible(page, 'operations page');
    await screenshot(page, 'operations-desktop');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'operations-phone');
    await page.setViewportSize(DESKTOP);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('retries a failed command from the page: attempt 2 reaches the agent and is shown', async () => {
    const { page, context } = await openOperations();
    const command = await issue(web, 'reboot');
    const it = item(page, command.id);
    await waitUntil(async () => (await statusOf(it)) === 'acknowledged', 'a new command appears live');
    await sendResult(web, command.id, 'failed', 'reboots are not enabled on this host');
    await it.getByText('reboots are not enabled on this host').waitFor();
    assert.equal(await statusOf(it), 'failed');

    await it.getByRole('button', { name: 'Retry reboot on web-01' }).click();
    const retried = await web.down!.waitFor(
      (m) => m.type === 'command' && m.payload.type === 'reboot' && m.payload.id !== command.id,
    );
    const again = await commandOf(String(retried.payload.id));
    assert.equal(again.retriedFromId, command.id);
    assert.equal(again.attempt, 2);
    const next = item(page, again.id);
    await next.getByText('attempt 2').waitFor();
    assert.notEqual(await statusOf(next), 'failed');
    await sendResult(web, again.id, 'succeeded');
    await waitUntil(async () => (await statusOf(next)) === 'succeeded', 'the retry succeeded, live');

    // The history links a command's event to it in this view, shown open.
    await page.goto(`${pc.url}#/history?agent=${web.identity.agentId}&type=command`);
    const events = page.getByRole('table', { name: 'Events' });
    await events.getByText(`reboot command ${command.id}`).first().waitFor();
    await events
      .getByRole('row', { name: new RegExp(`${command.id} failed`) })
      .getByRole('link', { name: 'the command' })
      .click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    assert.match(page.url(), new RegExp(`command=${command.id}`));
    await item(page, command.id).getByText('No output yet.').waitFor();
    await context.close();
  });

  it('cancels a command its host has not acknowledged, and the status changes live', async () => {
    const { page, context } = await openOperations(`#/operations?agent=${spare.identity.agentId}`);
    const command = await issue(spare, 'scan', { plugin: 'apt' });
    const it = item(page, command.id);
    await waitUntil(async () => (await statusOf(it)) === 'pending', 'the pending command appears live');
    assert.equal(await it.getByRole('button', { name: /^Retry/ }).count(), 0, 'nothing to retry yet');
    await it.getByRole('button', { name: 'Cancel scan apt on cold-spare' }).click();
    await waitUntil(async () => (await statusOf(it)) === 'cancelled', 'cancelled shown');
    assert.equal((await commandOf(command.id)).status, 'cancelled');
    await it.getByRole('button', { name: 'Retry scan apt on cold-spare' }).waitFor();
    // The host filter: only cold-spare's commands are listed.
    assert.equal(await page.locator('rf-command-item').getByText('web-01').count(), 0);
    await context.close();
  });

  it('asks the agent to stop a running command; a cancel it cannot do safely says so on its row', async () => {
    const { page, context } = await openOperations(`#/operations?agent=${web.identity.agentId}`);
    const command = await issue(web, 'scan', { plugin: 'apt' });
    const it = item(page, command.id);
    await waitUntil(async () => (await statusOf(it)) === 'acknowledged', 'acknowledged by its agent');
    await it.getByRole('button', { name: 'Cancel scan apt on web-01' }).click();
    const sent = await web.down!.waitFor(
      (m) =>
        m.type === 'command' &&
        m.payload.type === 'cancel' &&
        (m.payload.params as { commandId?: string }).commandId === command.id,
    );
    await page.getByText('Asked the agent to stop scan apt').waitFor();
    assert.equal(await statusOf(it), 'acknowledged', 'still running: the agent decides');
    const cancelId = String(sent.payload.id);
    // The agent's answer (played here): the command is past its point of no return.
    await sendResult(web, cancelId, 'failed', 'cannot stop safely: past its point of no return', {
      cancelled: false,
      commandId: command.id,
      state: 'cannot_stop_safely',
      code: 'cannot_stop_safely',
    });
    const refusal = item(page, cancelId);
    await refusal.getByText(/Could not stop\s+the install\s+safely/).waitFor();
    assert.equal(
      await refusal.getByRole('link', { name: 'the install' }).getAttribute('href'),
      `#/operations?command=${command.id}`,
    );
    await sendResult(web, command.id, 'succeeded');
    await waitUntil(async () => (await statusOf(it)) === 'succeeded', 'it ran to its end');
    await context.close();
  });

  it('shows a dropped live connection and, resumed, shows what happened while it was down', async () => {
    const { page, context, errors } = await openOperations();
    const command = await issue(web, 'scan', { plugin: 'apt' });
    const it = item(page, command.id);
    await sendProgress(web, command.id, 0, 'before the drop');
    await it.getByText('before the drop').waitFor();
    const outputReads: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/commands/${command.id}/output`)) outputReads.push(r.url());
    });

    // The core drops every live socket and, for a while, refuses new ones (a proxy restarting).
    const upgrades = refuseUpgrades(pc);
    const live = (pc.core.http as unknown as { websocketServer: WebSocketServer }).websocketServer;
    for (const socket of live.clients) socket.terminate();
    const status = page.locator('rf-connection-status [role="status"]');
    await status.getByText('Disconnected, reconnecting…').waitFor();

    // Meanwhile the agent goes on and finishes.
    for (let seq = 1; seq <= 3; seq++) await sendProgress(web, command.id, seq, `while down ${seq}`);
    await sendResult(web, command.id, 'succeeded');
    await waitUntil(async () => (await commandOf(command.id)).status === 'succeeded', 'finished in the core');
    assert.deepEqual(await linesOf(it), ['before the drop'], 'nothing arrives while the stream is down');
    assert.equal(await statusOf(it), 'running');

    const resumed = upgrades.restore();
    await status.getByText('Live').waitFor({ timeout: 30_000 });
    await waitUntil(async () => (await statusOf(it)) === 'succeeded', 'the missed status arrives');
    await it.getByText('while down 3').waitFor();
    assert.deepEqual(await linesOf(it), ['before the drop', 'while down 1', 'while down 2', 'while down 3']);
    assert.match(resumed[0] ?? '', /since=\d+&stream=[0-9a-f-]+/, 'the socket resumed from the last event');
    assert.deepEqual(outputReads, [], 'the missed lines came from the stream’s replay, not a reload');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/**
 * Takes the core's WebSocket upgrades away (each is refused by closing the socket) until
 * `restore()`, which gives them back and returns the URLs of the upgrades that followed.
 */
function refuseUpgrades(pc: PanelCore): { restore(): string[] } {
  const server = pc.core.http.server;
  const original = server.listeners('upgrade') as Array<
    (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  >;
  server.removeAllListeners('upgrade');
  const refuse = (_req: IncomingMessage, socket: Duplex) => socket.destroy();
  server.on('upgrade', refuse);
  return {
    restore() {
      const seen: string[] = [];
      server.removeListener('upgrade', refuse);
      server.on('upgrade', (req: IncomingMessage) => seen.push(req.url ?? ''));
      for (const listener of original) server.on('upgrade', listener);
      return seen;
    },
  };
}
