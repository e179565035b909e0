import assert from 'node:assert/strict';
import type { Command, Page } from '../../../panel/src/data/api-types.js';
import { CommandFeed, type FeedApi, type FeedState } from '../../../panel/src/data/command-feed.js';
import { type LiveHarness, openLiveHarness } from './live-server.js';

const cmd = (id: string, minute: number, status: Command['status'], agentId = 'agent-1'): Command => ({
  id,
  agentId,
  type: 'scan',
  status,
  createdAt: `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
});

/** The commands as the core holds them; the feed reads them through the same calls as the API. */
class Commands implements FeedApi {
  rows = new Map<string, Command>();
  gets: string[] = [];
  put(...commands: Command[]) {
    for (const c of commands) this.rows.set(c.id, c);
  }
  private matching(q: { agent?: string }) {
    return [...this.rows.values()].filter((c) => !q.agent || c.agentId === q.agent);
  }
  async list(q: { agent?: string; cursor?: string | null; limit?: number }): Promise<Page<Command>> {
    const all = this.matching(q).sort((a, b) => (a.createdAt! < b.createdAt! ? 1 : -1));
    const start = q.cursor ? Number(q.cursor) : 0;
    const end = start + (q.limit ?? 50);
    return { items: all.slice(start, end), nextCursor: end < all.length ? String(end) : null };
  }
  async active(q: { agent?: string }): Promise<Command[]> {
    return this.matching(q).filter((c) => ['pending', 'sent', 'acknowledged', 'running'].includes(c.status));
  }
  async get(id: string): Promise<Command> {
    this.gets.push(id);
    return this.rows.get(id)!;
  }
}

function until(feed: CommandFeed, check: (s: FeedState) => boolean): Promise<FeedState> {
  return new Promise((resolve) => {
    if (check(feed.state.value)) return resolve(feed.state.value);
    const off = feed.state.subscribe((s) => {
      if (check(s)) {
        off();
        resolve(s);
      }
    });
  });
}
const statusOf = (s: FeedState, id: string) => s.commands.find((c) => c.id === id)?.status;

describe('panel data: the live commands feed', () => {
  let live: LiveHarness;
  let api: Commands;
  let feed: CommandFeed | null = null;

  beforeEach(async () => {
    live = await openLiveHarness();
    api = new Commands();
  });
  afterEach(async () => {
    feed?.stop();
    await live.close();
  });
  /** The core saying on the live stream that a scan command reached `status`. */
  const announce = (commandId: string, status: Command['status'], agentId = 'agent-1') =>
    live.event('command.status', agentId, { commandId, type: 'scan', status, error: null });

  it('lists the history’s newest page and every active command, even an older one', async () => {
    api.put(cmd('old-pending', 0, 'pending'), cmd('b', 10, 'succeeded'), cmd('c', 20, 'failed'));
    feed = new CommandFeed({ api, live: live.client, pageSize: 2 });
    feed.start();
    const s = await until(feed, (st) => st.loaded);
    assert.deepEqual(
      s.commands.map((c) => c.id),
      ['c', 'b', 'old-pending'],
    );
    assert.equal(s.nextCursor, '2');
  });

  it('moves a command on a live status and reads it again; shows a command issued elsewhere', async () => {
    api.put(cmd('a', 1, 'sent'));
    feed = new CommandFeed({ api, live: live.client });
    feed.start();
    await until(feed, (s) => s.loaded);
    api.put({ ...cmd('a', 1, 'running'), runningAt: '2026-12-01T10:01:05.000Z' });
    announce('a', 'running');
    const s = await until(feed, (st) => st.commands[0]?.runningAt !== undefined);
    assert.equal(statusOf(s, 'a'), 'running');
    api.put(cmd('new', 5, 'pending'));
    announce('new', 'pending');
    const after = await until(feed, (st) => st.commands.length === 2);
    assert.deepEqual(
      after.commands.map((c) => c.id),
      ['new', 'a'],
    );
  });

  it('keeps a live status heard before the command was shown when the row read is older', async () => {
    feed = new CommandFeed({ api, live: live.client });
    feed.start();
    await until(feed, (s) => s.loaded);
    // The core's table still says pending (its delivery marks are written a little later).
    api.put(cmd('fresh', 7, 'pending'));
    announce('fresh', 'sent');
    announce('fresh', 'acknowledged');
    await until(feed, (s) => statusOf(s, 'fresh') !== undefined);
    // Every read of the row has come back, and none of them moved it back.
    await until(feed, () => api.gets.filter((id) => id === 'fresh').length >= 2);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(statusOf(feed.state.value, 'fresh'), 'acknowledged');
    // A later row from the table, further along, is taken as it is.
    api.put({ ...cmd('fresh', 7, 'running'), runningAt: '2026-12-01T10:07:05.000Z' });
    announce('fresh', 'running');
    const s = await until(feed, (st) => st.commands.find((c) => c.id === 'fresh')?.runningAt !== undefined);
    assert.equal(statusOf(s, 'fresh'), 'running');
  });

  it('follows one host only when given one', async () => {
    feed = new CommandFeed({ api, live: live.client, agentId: 'agent-1' });
    feed.start();
    await until(feed, (s) => s.loaded);
    api.put(cmd('elsewhere', 3, 'pending', 'agent-2'));
    announce('elsewhere', 'pending', 'agent-2');
    await live.settled();
    assert.deepEqual(api.gets, []);
    assert.deepEqual(feed.state.value.commands, []);
  });

  it('reads everything again after a live reset', async () => {
    feed = new CommandFeed({ api, live: live.client });
    feed.start();
    await until(feed, (s) => s.loaded);
    api.put(cmd('missed', 4, 'failed'));
    live.reset();
    const s = await until(feed, (st) => st.commands.length === 1);
    assert.equal(statusOf(s, 'missed'), 'failed');
  });

  it('shows the command the address names even when it is older than the first page', async () => {
    api.put(cmd('old', 1, 'failed'), cmd('b', 2, 'succeeded'), cmd('c', 3, 'succeeded'));
    feed = new CommandFeed({ api, live: live.client, pageSize: 1, pinned: 'old' });
    feed.start();
    const s = await until(feed, (st) => st.commands.length === 2);
    assert.deepEqual(
      s.commands.map((c) => c.id),
      ['c', 'old'],
    );
  });

  it('pages back through the history', async () => {
    api.put(cmd('a', 1, 'succeeded'), cmd('b', 2, 'succeeded'), cmd('c', 3, 'succeeded'));
    feed = new CommandFeed({ api, live: live.client, pageSize: 2 });
    feed.start();
    await until(feed, (s) => s.loaded);
    await feed.loadMore();
    assert.deepEqual(
      feed.state.value.commands.map((c) => c.id),
      ['c', 'b', 'a'],
    );
    assert.equal(feed.state.value.nextCursor, null);
  });
});
