import type { CommandOutputLine, CommandOutputPage } from './api-types.js';
import { lastSeq, mergeOutput } from './command-output.js';
import type { LiveClient } from './live-client.js';
import { Store } from './store.js';

export interface OutputState {
  lines: readonly CommandOutputLine[];
  /** The agent's last reported percentage, null when it reports none. */
  percent: number | null;
  /** The stored backlog has been read once. */
  loaded: boolean;
  error: string | null;
}

export interface OutputFollowerOptions {
  commandId: string;
  /** GET /api/v1/commands/{id}/output (ctx.api.commands.output). */
  output(commandId: string, after: number): Promise<CommandOutputPage>;
  live: Pick<LiveClient, 'subscribe' | 'onReset'>;
}

/**
 * One command's output as it grows: the stored backlog, then the live `command.output` lines.
 * The live listener is attached before the backlog is read, so a line stored meanwhile comes
 * both ways and `mergeOutput` keeps it once; none falls between. After a live `reset` (events
 * were missed) the lines after the last one seen before it are read again.
 */
export class CommandOutputFollower {
  readonly state = new Store<OutputState>({ lines: [], percent: null, loaded: false, error: null });
  private off: Array<() => void> = [];
  /** The seq the shown percentage belongs to: an older page must not overwrite a newer live one. */
  private percentSeq = -Infinity;
  private stopped = false;

  constructor(private readonly options: OutputFollowerOptions) {}

  get commandId(): string {
    return this.options.commandId;
  }

  start(): void {
    const { commandId, live } = this.options;
    this.stopped = false;
    this.off = [
      live.subscribe((event) => {
        if (event.kind !== 'command.output' || event.data.commandId !== commandId) return;
        const lines = (event.data.lines ?? []) as CommandOutputLine[];
        const percent = typeof event.data.percent === 'number' ? event.data.percent : null;
        this.add(lines, percent, lines.at(-1)?.seq ?? -Infinity);
      }),
      live.onReset(() => void this.read(lastSeq(this.state.value.lines))),
    ];
    void this.read(-1);
  }

  stop(): void {
    this.stopped = true;
    for (const off of this.off.splice(0)) off();
  }

  /** Reads every stored line after `after`, page by page. */
  private async read(after: number): Promise<void> {
    let next: number | null = after;
    try {
      while (next !== null && !this.stopped) {
        const page: CommandOutputPage = await this.options.output(this.options.commandId, next);
        if (this.stopped) return;
        const withPercent = page.lines.filter((l) => typeof l.percent === 'number');
        const latest = withPercent.at(-1);
        this.add(page.lines, latest?.percent ?? null, latest?.seq ?? -Infinity);
        next = page.next;
      }
      this.patch({ loaded: true, error: null });
    } catch (err) {
      this.patch({ loaded: true, error: (err as Error).message });
    }
  }

  private add(lines: readonly CommandOutputLine[], percent: number | null, percentSeq: number): void {
    const current = this.state.value;
    const merged = mergeOutput(current.lines, lines);
    const newer = percent !== null && percentSeq >= this.percentSeq;
    if (newer) this.percentSeq = percentSeq;
    if (merged === current.lines && !newer) return;
    this.patch({ lines: merged, ...(newer ? { percent } : {}) });
  }

  private patch(change: Partial<OutputState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}
