import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { ingestScan } from '../../../core/updates/index.js';
import { createApi } from '../../../panel/src/data/api.js';
import { ApiClient } from '../../../panel/src/data/api-client.js';
import { type LiveEvent, LiveClient, type SocketLike } from '../../../panel/src/data/live-client.js';
import { UpdatePages } from '../../../panel/src/data/update-pages.js';
import { DEFAULT_VIEW, type UpdateView } from '../../../panel/src/data/update-view.js';
import { createTestToken } from '../../core/api/api-client.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { envelope } from '../../helpers/sim-agent.js';
import { ManualClock } from './manual-clock.js';

/** Waits for something the core and the live stream reach asynchronously. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('panel data: the updates pages against a real core', function () {
  this.timeout(60_000);
  let core: TestCore;
  let agents: string[];
  let live: LiveClient;
  let clock: ManualClock;
  let pages: UpdatePages;
  const events: LiveEvent[] = [];
  let holdPages: Promise<void> | null = null;
  let pageAnswered = false;

  before(async () => {
    core = await startTestCore('PGlite');
    agents = await core.db.seed.seedFleet({ agents: 3, packagesPerAgent: 250 });
    const { token } = await createTestToken(core, 'operator');
    const bearer: typeof fetch = async (input, init) => {
      const isPage = /\/api\/v1\/updates\?/.test(String(input));
      const held = isPage ? holdPages : null;
      if (isPage) holdPages = null;
      const res = await fetch(input, {
        ...init,
        headers: { ...(init?.headers as object), authorization: `Bearer ${token}` },
      });
      // The answer was made by the core; it reaches the page only when the test lets it.
      if (held) {
        pageAnswered = true;
        await held;
      }
      return res;
    };
    const api = createApi(new ApiClient({ baseUrl: `${core.httpUrl}/`, fetch: bearer }));
    live = new LiveClient({
      url: `${core.httpUrl}/api/v1/live`,
      createSocket: (u) =>
        new WebSocket(u, { headers: { authorization: `Bearer ${token}` } }) as unknown as SocketLike,
    });
    live.subscribe((e) => events.push(e));
    live.start();
    clock = new ManualClock();
    pages = new UpdatePages({ api, live, clock, coalesceMs: 400 });
    pages.start();
    await new Promise<void>((resolve) => {
      const off = live.state.subscribe((s) => s.stream !== null && (off(), resolve()));
    });
  });
  after(async () => {
    pages?.stop();
    live?.stop();
    await core?.close();
  });

  const view = (change: Partial<UpdateView>): UpdateView => ({ ...DEFAULT_VIEW, ...change });

  it('walks every page by key, forward and back, with the count of the filter', async () => {
    await pages.show(view({ status: 'any', sort: 'name', order: 'asc', limit: 100 }));
    assert.equal(pages.state.value.count, 750);
    const walked: string[][] = [pages.state.value.rows!.map((r) => r.id)];
    while (pages.state.value.hasNext) {
      await pages.nextPage();
      walked.push(pages.state.value.rows!.map((r) => r.id));
    }
    assert.deepEqual(
      walked.map((p) => p.length),
      [100, 100, 100, 100, 100, 100, 100, 50],
    );
    assert.equal(new Set(walked.flat()).size, 750, 'no row twice, none missing');
    assert.equal(pages.firstRowNumber, 701);
    await pages.previousPage();
    assert.deepEqual(
      pages.state.value.rows!.map((r) => r.id),
      walked[6],
    );
    await pages.firstPage();
    assert.deepEqual(
      pages.state.value.rows!.map((r) => r.id),
      walked[0],
    );
  });

  it('turns a burst of scans into one read of the page and one count', async () => {
    await pages.show(view({ status: 'any', sort: 'name', order: 'asc', limit: 100 }));
    const before = { ...pages.requests };
    const seen = events.length;
    const now = new Date().toISOString();
    for (let i = 0; i < 3; i++)
      await ingestScan({ ...core, bus: core.live }, agents[i]!, {
        ...envelope(),
        batchId: randomUUID(),
        plugin: 'apt',
        complete: false,
        startedAt: now,
        finishedAt: now,
        packages: [
          {
            plugin: 'apt',
            name: `aaa-new-${i}`,
            arch: 'amd64',
            currentVersion: '1',
            availableVersion: '2',
            severity: 'low',
            source: 'x',
            security: false,
            metadata: {},
          },
        ],
      });
    await until(
      () => events.slice(seen).filter((e) => e.kind === 'scan.ingested').length === 3,
      'three scans on the stream',
    );
    assert.deepEqual(pages.requests, before, 'nothing read before the burst is over');
    clock.advance(400);
    await until(() => pages.state.value.count === 753, 'counted again');
    await until(
      () => pages.state.value.rows![0]!.name === 'aaa-new-0',
      `the new rows read (${pages.state.value.rows![0]!.name}, ${JSON.stringify(pages.requests)})`,
    );
    assert.deepEqual(pages.requests, { pages: before.pages + 1, counts: before.counts + 1 });
  });

  it('patches rows in place from package.status when every mover is on screen, reading nothing', async () => {
    await pages.show(view({ status: 'any', agent: [agents[1]!], sort: 'name', order: 'asc', limit: 100 }));
    const rows = pages.state.value.rows!;
    const target = rows.filter((r) => r.status === 'pending').slice(0, 2);
    const before = { ...pages.requests };
    await core.workflow.approve(
      target.map((r) => ({ agentId: r.agentId, plugin: r.plugin, name: r.name, arch: r.arch })),
      'test',
    );
    // approved, then checking_dependencies once the (unanswered) dry run is issued
    await until(
      () =>
        target.every(
          (t) => pages.state.value.rows!.find((r) => r.id === t.id)?.status === 'checking_dependencies',
        ),
      'rows patched',
    );
    clock.advance(1000);
    assert.deepEqual(pages.requests, before, 'no read: the patch was exact');
    const untouched = pages.state.value.rows!.filter((r) => !target.some((t) => t.id === r.id));
    assert.deepEqual(
      untouched.map((r) => r.status),
      rows.filter((r) => !target.some((t) => t.id === r.id)).map((r) => r.status),
    );
  });

  it('keeps a status patched in place while a read was travelling, instead of the older answer', async () => {
    await pages.show(view({ status: 'any', agent: [agents[2]!], sort: 'name', order: 'asc', limit: 100 }));
    const target = pages.state.value.rows!.find((r) => r.status === 'pending')!;
    let release!: () => void;
    holdPages = new Promise((resolve) => (release = resolve));
    pageAnswered = false;
    const reading = pages.refresh(); // answered now (target pending), delivered after the approval
    await until(() => pageAnswered, 'page answered by the core');
    await core.workflow.approve(
      [{ agentId: target.agentId, plugin: target.plugin, name: target.name, arch: target.arch }],
      'test',
    );
    const statusOfTarget = () => pages.state.value.rows!.find((r) => r.id === target.id)?.status;
    await until(() => statusOfTarget() === 'checking_dependencies', 'row patched live');
    release();
    await reading;
    assert.equal(statusOfTarget(), 'checking_dependencies', 'the older answer did not undo the live status');
  });

  it("keeps what live events said over an action's answer that arrives after them", async () => {
    await pages.show(view({ status: 'any', agent: [agents[0]!], sort: 'name', order: 'asc', limit: 100 }));
    const [moved, other] = pages.state.value.rows!.filter((r) => r.status === 'pending');
    const ref = (r: typeof moved) => ({
      agentId: r!.agentId,
      plugin: r!.plugin,
      name: r!.name,
      arch: r!.arch,
    });
    const statusOf = (id: string) => pages.state.value.rows!.find((r) => r.id === id)?.status;
    const since = pages.mark(); // the approval is sent...
    await core.workflow.approve([ref(moved)], 'test');
    await until(() => statusOf(moved!.id) === 'checking_dependencies', 'moved on live');
    // ...and its answer ("approved") is read only now, after the events of what followed it.
    pages.setStatus([moved!.id, other!.id], 'approved', since);
    assert.equal(
      statusOf(moved!.id),
      'checking_dependencies',
      'the late answer did not undo the live status',
    );
    assert.equal(statusOf(other!.id), 'approved', 'a row no event moved takes the answer at once');
    // A mark taken after the events lets the answer through.
    pages.setStatus([moved!.id], 'ignored', pages.mark());
    assert.equal(statusOf(moved!.id), 'ignored');
  });
});
