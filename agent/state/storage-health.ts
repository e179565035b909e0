/** A write to the state directory that failed, and since when writes fail. */
export interface StorageProblem {
  /** What could not be written: `journal`, `spool`, … */
  what: string;
  /** The error, as the system said it (`ENOSPC: no space left on device, write`). */
  error: string;
  code: string | null;
  since: string;
}

export type StorageChange =
  { kind: 'failing'; problem: StorageProblem } | { kind: 'recovered'; after: StorageProblem };

/**
 * Whether the agent can write its state directory (issue 25 §2): the journal and the spool say
 * here when a write fails and when one succeeds again, so a full or broken disk is reported
 * once, to the core as an event and in `redflag-agent status`, instead of only in the log.
 */
export class StorageHealth {
  /** By what failed: the journal and the spool each clear only their own. */
  private readonly problems = new Map<string, StorageProblem>();
  private readonly listeners = new Set<(change: StorageChange) => void>();

  /** The oldest problem still standing, or null when every write works. */
  get problem(): StorageProblem | null {
    return this.problems.values().next().value ?? null;
  }

  failed(what: string, err: unknown): void {
    const e = err as NodeJS.ErrnoException | undefined;
    const first = this.problems.size === 0;
    const problem: StorageProblem = {
      what,
      error: e?.message ?? String(err),
      code: typeof e?.code === 'string' ? e.code : null,
      since: this.problems.get(what)?.since ?? new Date().toISOString(),
    };
    this.problems.set(what, problem);
    if (first) this.emit({ kind: 'failing', problem });
  }

  succeeded(what: string): void {
    const after = this.problems.get(what);
    if (!after) return;
    this.problems.delete(what);
    if (this.problems.size === 0) this.emit({ kind: 'recovered', after });
  }

  onChange(listener: (change: StorageChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: StorageChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
