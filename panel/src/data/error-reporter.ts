import type { ClientErrorReport } from './api-types.js';
import { backoffDelay, type BackoffOptions, type Clock, realClock } from './clock.js';

/** The part of localStorage the queue uses. */
export type QueueStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface ErrorReporterOptions {
  /** POST /api/v1/client-errors with a batch; must not report its own failures (api.clientErrors.send). */
  send(batch: ClientErrorReport[]): Promise<unknown>;
  /** True for a failure worth retrying (no answer at all); any answer that is not 2xx drops the batch. */
  isRetryable?: (err: unknown) => boolean;
  storage?: QueueStorage | null;
  storageKey?: string;
  /** Oldest reports are dropped past this many. */
  cap?: number;
  clock?: Clock;
  backoff?: BackoffOptions;
  isOnline?: () => boolean;
}

/** The core takes at most 20 reports a request. */
const BATCH = 20;

export type NewReport = Omit<ClientErrorReport, 'occurredAt'> & { occurredAt?: string };

/**
 * Errors are history (DESIGN.md, issue 9 §3): panel errors go to the core's client_errors. Reports
 * wait in a capped localStorage queue, so an offline browser or a restarting core loses nothing;
 * sending retries with exponential backoff (only while there is no answer at all) and resumes on
 * the `online` event. A refused batch is dropped; a failure to send is never itself reported.
 */
export class ErrorReporter {
  private queue: ClientErrorReport[];
  private timer: unknown = null;
  private sending = false;
  private attempt = 0;
  private readonly clock: Clock;
  private readonly cap: number;
  private readonly key: string;

  constructor(private readonly options: ErrorReporterOptions) {
    this.clock = options.clock ?? realClock;
    this.cap = options.cap ?? 50;
    this.key = options.storageKey ?? 'redflag.clientErrors';
    this.queue = this.load();
  }

  /** Reports waiting to be sent (oldest first). */
  get pending(): readonly ClientErrorReport[] {
    return this.queue;
  }

  report(report: NewReport): void {
    this.queue.push({ ...report, occurredAt: report.occurredAt ?? new Date(this.clock.now()).toISOString() });
    if (this.queue.length > this.cap) this.queue.splice(0, this.queue.length - this.cap);
    this.save();
    void this.flush();
  }

  /** Sends what is queued, oldest first; on failure waits with backoff and tries again. */
  async flush(): Promise<void> {
    if (this.sending || this.timer !== null || this.queue.length === 0) return;
    if (this.options.isOnline && !this.options.isOnline()) return; // the `online` event calls flush
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, BATCH);
        try {
          await this.options.send(batch);
        } catch (err) {
          if (this.options.isRetryable?.(err) ?? true) throw err;
          // The core answered and refused (docs/api.md "Client errors"): drop, never report it.
        }
        this.queue.splice(0, batch.length);
        this.save();
        this.attempt = 0;
      }
    } catch {
      const delay = backoffDelay(
        this.attempt++,
        this.options.backoff ?? { initialMs: 1000, maxMs: 300_000 },
        this.clock.random,
      );
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, delay);
    } finally {
      this.sending = false;
    }
  }

  /** Back online: retry now instead of at the end of the backoff. */
  resume(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    void this.flush();
  }

  private load(): ClientErrorReport[] {
    try {
      const raw = this.options.storage?.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      return Array.isArray(parsed) ? (parsed as ClientErrorReport[]).slice(-this.cap) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.options.storage?.setItem(this.key, JSON.stringify(this.queue));
    } catch {
      // Storage full or disabled (private mode): the queue still lives in memory.
    }
  }
}
