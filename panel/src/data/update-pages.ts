import type { Api } from './api.js';
import type { PackageStatus, PackageUpdate } from './api-types.js';
import { type Clock, realClock } from './clock.js';
import type { LiveClient, LiveEvent } from './live-client.js';
import { Store } from './store.js';
import { applyLiveEvent } from './update-live.js';
import { filterKey, filterOf, type UpdateView } from './update-view.js';

const MOVES_KEPT = 10_000;
const packageKey = (agentId: string, plugin: string, name: string, arch: string) =>
  `${agentId}\u0000${plugin}\u0000${name}\u0000${arch}`;

export interface UpdatePagesState {
  view: UpdateView | null;
  /** The rows of the page shown; null until the first page arrived. */
  rows: readonly PackageUpdate[] | null;
  /** 0 for the first page. */
  page: number;
  hasNext: boolean;
  /** How many packages match the filter; null while counting. */
  count: number | null;
  loading: boolean;
  error: string | null;
}

export interface UpdatePagesOptions {
  api: Pick<Api, 'updates'>;
  live: Pick<LiveClient, 'subscribe' | 'onReset'>;
  clock?: Clock;
  /** Live bursts within this long become one reload (and one count). */
  coalesceMs?: number;
}

/**
 * The updates page's data: one keyset page of the fleet's package states at a time (the
 * cursors of the pages before it are kept, so "previous" is a keyset read too, never an offset),
 * the filter's count, and live changes applied with as few reads as possible (update-live.ts).
 */
export class UpdatePages {
  readonly state = new Store<UpdatePagesState>({
    view: null,
    rows: null,
    page: 0,
    hasNext: false,
    count: null,
    loading: false,
    error: null,
  });
  /** The cursor each visited page started at (null: the first page). */
  private starts: Array<string | null> = [null];
  private next: string | null = null;
  private rowsRead = 0;
  private countRead = 0;
  private timer: unknown = null;
  private pending = { reload: false, recount: false };
  private off: Array<() => void> = [];
  /** Live events seen while each read is in flight: its answer may predate them (replayed on it). */
  private readonly replays = new Set<LiveEvent[]>();
  /** Live events seen so far, and the last one that moved each package (see mark()). */
  private liveSeen = 0;
  private readonly movedAt = new Map<string, number>();
  private readonly clock: Clock;
  /** Requests made (pages and counts), for tests that check coalescing. */
  readonly requests = { pages: 0, counts: 0 };

  constructor(private readonly opts: UpdatePagesOptions) {
    this.clock = opts.clock ?? realClock;
  }

  /** Follows the live stream until stop(). */
  start(): void {
    if (this.off.length) return;
    this.off = [
      this.opts.live.subscribe((event) => {
        this.liveSeen++;
        this.noteMoves(event);
        for (const replay of this.replays) replay.push(event);
        const { view, rows } = this.state.value;
        if (!view || !rows) return;
        const change = applyLiveEvent(view, rows, event);
        if (change.rows !== rows) this.patch({ rows: change.rows });
        if (change.reload || change.recount) this.schedule(change.reload, change.recount);
      }),
      this.opts.live.onReset(() => this.schedule(true, true)),
    ];
  }

  stop(): void {
    for (const off of this.off.splice(0)) off();
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Shows a view: a new filter, sort or page size starts at the first page again; the same view
   * does nothing (a hash change that only touched something else).
   */
  async show(view: UpdateView): Promise<void> {
    const current = this.state.value.view;
    const sameRows =
      current &&
      filterKey(current) === filterKey(view) &&
      current.sort === view.sort &&
      current.order === view.order &&
      current.limit === view.limit;
    if (sameRows) return;
    const recount = !current || filterKey(current) !== filterKey(view);
    this.starts = [null];
    this.patch({ view, page: 0, ...(recount ? { count: null } : {}) });
    // Rows first, then the count: on PGlite (one connection) a count of 100,000 rows asked at
    // the same time would make the rows wait for it.
    await this.read();
    if (recount) await this.recount();
  }

  async nextPage(): Promise<void> {
    const { page } = this.state.value;
    if (!this.next) return;
    this.starts[page + 1] = this.next;
    this.patch({ page: page + 1 });
    await this.read();
  }

  async previousPage(): Promise<void> {
    const { page } = this.state.value;
    if (page === 0) return;
    this.patch({ page: page - 1 });
    await this.read();
  }

  async firstPage(): Promise<void> {
    if (this.state.value.page === 0) return;
    this.patch({ page: 0 });
    await this.read();
  }

  /**
   * Reads the page shown again from the same cursor, and the count, keeping the rows on screen
   * meanwhile (after a bulk action: ignored rows leave a "to do" filter).
   */
  async refresh(): Promise<void> {
    await this.read(true);
    await this.recount();
  }

  /**
   * Where the live stream is now: taken before sending an action, then given to setStatus.
   * The action's answer can arrive after the live events of what followed it (an agent that
   * installs at once sends `updated` before the confirm's HTTP answer is read).
   */
  mark(): number {
    return this.liveSeen;
  }

  /**
   * Marks rows as moved at once (a bulk action's answer), before the live events confirm it.
   * A row that a live event moved after `since` (a mark()) keeps what the event said: the
   * answer is older news.
   */
  setStatus(ids: readonly string[], status: PackageStatus, since = Infinity): void {
    const { rows } = this.state.value;
    if (!rows || ids.length === 0) return;
    const set = new Set(ids);
    const newer = (r: PackageUpdate) =>
      (this.movedAt.get(packageKey(r.agentId, r.plugin, r.name, r.arch)) ?? -1) > since;
    this.patch({
      rows: rows.map((r) => (set.has(r.id) && r.status !== status && !newer(r) ? { ...r, status } : r)),
    });
  }

  /** The first row's number on this page (1-based), for "rows 101–200 of 5,000". */
  get firstRowNumber(): number {
    const { page, view } = this.state.value;
    return page * (view?.limit ?? 0) + 1;
  }

  private schedule(reload: boolean, recount: boolean): void {
    this.pending = { reload: this.pending.reload || reload, recount: this.pending.recount || recount };
    if (this.timer !== null) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      const { reload: r, recount: c } = this.pending;
      this.pending = { reload: false, recount: false };
      void (async () => {
        if (r) await this.read(true);
        if (c) await this.recount();
      })();
    }, this.opts.coalesceMs ?? 400);
  }

  private async read(quiet = false): Promise<void> {
    const { view, page } = this.state.value;
    if (!view) return;
    const ticket = ++this.rowsRead;
    // A live reload keeps the rows on screen while it reads (no flicker, scroll and focus stay).
    if (!quiet) this.patch({ loading: true });
    const replay: LiveEvent[] = [];
    this.replays.add(replay);
    try {
      this.requests.pages++;
      const answer = await this.opts.api.updates.list(filterOf(view), {
        sort: view.sort,
        order: view.order,
        limit: view.limit,
        cursor: this.starts[page] ?? undefined,
      });
      if (ticket !== this.rowsRead) return; // a newer read was asked for meanwhile
      this.next = answer.nextCursor;
      // A status patched in place while the answer travelled would be undone by it, and no
      // event would come to redo it: the events seen meanwhile are applied again, in order
      // (those that need a read scheduled one when they came).
      let rows: readonly PackageUpdate[] = answer.items;
      for (const event of replay) rows = applyLiveEvent(view, rows, event).rows;
      this.patch({ rows, hasNext: answer.nextCursor !== null, loading: false, error: null });
    } catch (err) {
      if (ticket !== this.rowsRead) return;
      this.patch({ loading: false, error: (err as Error).message });
    } finally {
      this.replays.delete(replay);
    }
  }

  /** Remembers which packages a `package.status` moved, by name, shown or not. */
  private noteMoves(event: LiveEvent): void {
    if (event.kind !== 'package.status' || !event.agentId) return;
    const d = event.data;
    // Bounded: forgetting old moves only lets an old answer through, as before marks existed.
    if (this.movedAt.size > MOVES_KEPT) this.movedAt.clear();
    for (const p of d.packages ?? [])
      this.movedAt.set(packageKey(event.agentId, d.plugin, p.name, p.arch), this.liveSeen);
  }

  private async recount(): Promise<void> {
    const { view } = this.state.value;
    if (!view) return;
    const ticket = ++this.countRead;
    try {
      this.requests.counts++;
      const count = await this.opts.api.updates.count(filterOf(view));
      if (ticket === this.countRead) this.patch({ count });
    } catch {
      // the API client showed it; the table still works without a count
    }
  }

  private patch(change: Partial<UpdatePagesState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}
