import type { Command, Page } from './api-types.js';
import { applyStatus, mergeCommands, statusRank, upsertCommand } from './commands.js';
import type { LiveClient } from './live-client.js';
import { Store } from './store.js';

export interface FeedState {
  /** Active and recent commands, newest first. */
  commands: readonly Command[];
  /** The cursor of the next (older) page of the history, null at its end. */
  nextCursor: string | null;
  loaded: boolean;
  error: string | null;
}

/** The parts of ctx.api.commands the feed reads. */
export interface FeedApi {
  list(query: { agent?: string; cursor?: string | null; limit?: number }): Promise<Page<Command>>;
  active(filter: { agent?: string }): Promise<Command[]>;
  get(id: string): Promise<Command>;
}

export interface CommandFeedOptions {
  api: FeedApi;
  live: Pick<LiveClient, 'subscribe' | 'onReset'>;
  /** Only this host's commands. */
  agentId?: string;
  /** Commands of the history read per page. */
  pageSize?: number;
  /** A command to show even when it is older than the first page (the address names it). */
  pinned?: string;
}

/**
 * The running and recent commands (the operations view and a host's page), kept current from
 * the live stream: a `command.status` moves a shown command at once and then reads the whole
 * row again (its timestamps); a command not shown yet (issued elsewhere, a retry) is read and
 * put in its place, at the newest status heard for it if the row read is behind (the core
 * waits for its delivery marks before answering, and the panel does not count on it). A live
 * `reset` reads everything again.
 */
export class CommandFeed {
  readonly state = new Store<FeedState>({ commands: [], nextCursor: null, loaded: false, error: null });
  private off: Array<() => void> = [];
  /** Commands being read again, and those whose status moved once more meanwhile. */
  private reading = new Map<string, boolean>();
  /** Live statuses of commands not shown yet: a row read meanwhile may be older than they are. */
  private heard = new Map<string, { commandId: string; status: string; error?: string | null }>();
  private generation = 0;
  private stopped = false;

  constructor(private readonly options: CommandFeedOptions) {}

  start(): void {
    const { live, agentId } = this.options;
    this.stopped = false;
    this.off = [
      live.subscribe((event) => {
        if (event.kind !== 'command.status') return;
        if (agentId && event.agentId !== agentId) return;
        const change = event.data;
        const moved = applyStatus(this.state.value.commands, change);
        if (moved) this.patch({ commands: moved });
        else if (!this.state.value.commands.some((c) => c.id === change.commandId))
          this.heard.set(change.commandId, latest(this.heard.get(change.commandId), change));
        void this.refresh(change.commandId);
      }),
      live.onReset(() => void this.load()),
    ];
    void this.load();
  }

  stop(): void {
    this.stopped = true;
    this.heard.clear();
    this.generation++;
    for (const off of this.off.splice(0)) off();
  }

  /** The active commands and the newest page of the history. */
  async load(): Promise<void> {
    const { api, agentId, pageSize = 50 } = this.options;
    const generation = ++this.generation;
    const filter = agentId ? { agent: agentId } : {};
    try {
      const [active, page] = await Promise.all([
        api.active(filter),
        api.list({ ...filter, limit: pageSize }),
      ]);
      if (generation !== this.generation) return;
      this.patch({
        // What arrived live while reading stays (a status newer than the answer).
        commands: this.withHeard(mergeCommands(mergeCommands(this.state.value.commands, page.items), active)),
        nextCursor: page.nextCursor,
        loaded: true,
        error: null,
      });
      const { pinned } = this.options;
      if (pinned && !this.state.value.commands.some((c) => c.id === pinned)) void this.refresh(pinned);
    } catch (err) {
      if (generation === this.generation) this.patch({ loaded: true, error: (err as Error).message });
    }
  }

  /** The next older page of the history. */
  async loadMore(): Promise<void> {
    const { api, agentId, pageSize = 50 } = this.options;
    const cursor = this.state.value.nextCursor;
    if (!cursor) return;
    const page = await api.list({ ...(agentId ? { agent: agentId } : {}), cursor, limit: pageSize });
    this.patch({
      commands: mergeCommands(this.state.value.commands, page.items),
      nextCursor: page.nextCursor,
    });
  }

  /** A command an action returned (retry, cancel, scan now): shown at once. */
  put(command: Command): void {
    if (this.options.agentId && command.agentId !== this.options.agentId) return;
    this.patch({ commands: this.withHeard(upsertCommand(this.state.value.commands, command)) });
  }

  /** The live statuses heard before their commands were shown, applied to those now in `list`. */
  private withHeard(list: readonly Command[]): readonly Command[] {
    let commands = list;
    for (const [id, change] of this.heard) {
      const moved = applyStatus(commands, change);
      if (!moved) continue;
      commands = moved;
      this.heard.delete(id);
    }
    return commands;
  }

  /** Reads one command again; a status that moves while reading gets one more read after. */
  private async refresh(id: string): Promise<void> {
    if (this.reading.has(id)) {
      this.reading.set(id, true);
      return;
    }
    this.reading.set(id, false);
    try {
      for (;;) {
        const command = await this.options.api.get(id);
        if (!this.stopped) this.put(command);
        if (!this.reading.get(id)) break;
        this.reading.set(id, false);
      }
    } catch {
      // the API client showed and reported it; the next event or reset reads it again
    } finally {
      this.reading.delete(id);
    }
  }

  private patch(change: Partial<FeedState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}

/** The further along of two live statuses of one command (they can arrive while it is read). */
function latest<T extends { status: string }>(known: T | undefined, next: T): T {
  return known && statusRank(known.status) > statusRank(next.status) ? known : next;
}
