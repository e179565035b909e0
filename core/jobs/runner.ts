import type { Database } from '../db/index.js';
import type { EventRecorder } from '../events/index.js';
import type { Service } from '../lifecycle/index.js';
import type { Logger } from '../log/index.js';

export interface Job {
  /** Unique in the core: `commands.expire`, `plugin:proxmox:sync`. */
  name: string;
  intervalMs: number;
  /** Up to this much is added to each wait, so cores and jobs spread out. */
  jitterMs?: number;
  run(signal: AbortSignal): Promise<void>;
}

/**
 * ran: it ran here (and may have failed: `failed`). not_due: it ran within its interval (here or
 * on another core). locked: another core is running it. busy: this core still runs it.
 */
export type JobOutcome = 'ran' | 'failed' | 'not_due' | 'locked' | 'busy' | 'unknown';

export interface JobRunnerContext {
  db: Pick<Database, 'jobs' | 'locks'>;
  events: Pick<EventRecorder, 'record'>;
  logger: Logger;
  /** The clock runs are claimed by (tests step it). */
  now?: () => Date;
  random?: () => number;
  /** false: no timers at all, runs happen only through `runIfDue` (tests). */
  timers?: boolean;
}

export interface JobRunner extends Service {
  /** Schedules a job (at once when the runner is started); returns what removes it. */
  add(job: Job): () => void;
  /**
   * Runs the job if it is due: under its advisory lock, when no run started within the last
   * interval on any core sharing the database. Never rejects.
   */
  runIfDue(name: string): Promise<JobOutcome>;
  names(): string[];
}

/**
 * One job runner per core (issue 22 §3): every periodic piece of work has a name, an interval
 * and a jitter, runs under a PostgreSQL advisory lock, and is claimed in the `jobs` table so
 * several cores on one database run it once per interval between them. A failure is logged and
 * recorded as a system event; the next interval runs it again.
 */
export function createJobRunner(ctx: JobRunnerContext): JobRunner {
  const log = ctx.logger.child({ component: 'jobs' });
  const now = ctx.now ?? (() => new Date());
  const random = ctx.random ?? Math.random;
  const jobs = new Map<string, Job>();
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<JobOutcome>>();
  const lifetime = new AbortController();
  let started = false;

  const schedule = (job: Job) => {
    if (!started || ctx.timers === false || lifetime.signal.aborted) return;
    const wait = job.intervalMs + Math.floor(random() * (job.jitterMs ?? 0));
    const timer = setTimeout(() => {
      void runIfDue(job.name).finally(() => {
        if (jobs.get(job.name) === job) schedule(job);
      });
    }, wait);
    timer.unref();
    timers.set(job.name, timer);
  };

  const failed = async (job: Job, err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err, job: job.name }, 'job failed');
    await ctx.events.record({
      type: 'job',
      subtype: 'failed',
      severity: 'error',
      component: 'jobs',
      message: `job ${job.name} failed: ${message}`,
      metadata: { job: job.name },
    });
    return message;
  };

  const runLocked = async (job: Job): Promise<JobOutcome> => {
    // A run that starts a little early (jitter, timer drift) is still due; one that follows
    // another core's run closely is not.
    const minGapMs = job.intervalMs - Math.floor(job.intervalMs / 10);
    if (!(await ctx.db.jobs.claim(job.name, now(), minGapMs))) return 'not_due';
    let error: string | null = null;
    try {
      await job.run(lifetime.signal);
    } catch (err) {
      error = await failed(job, err);
    }
    await ctx.db.jobs.finish(job.name, now(), error);
    return error === null ? 'ran' : 'failed';
  };

  const runIfDue = (name: string): Promise<JobOutcome> => {
    const job = jobs.get(name);
    if (!job) return Promise.resolve('unknown');
    if (running.has(name)) return Promise.resolve('busy');
    const run = (async (): Promise<JobOutcome> => {
      try {
        const locked = await ctx.db.locks.withLock(`job:${name}`, () => runLocked(job));
        return locked.ran ? locked.value : 'locked';
      } catch (err) {
        // The database itself failed (claiming, locking): same as the job failing.
        await failed(job, err);
        return 'failed';
      } finally {
        running.delete(name);
      }
    })();
    running.set(name, run);
    return run;
  };

  return {
    name: 'jobs',
    add(job) {
      if (jobs.has(job.name)) throw new Error(`a job named ${job.name} is already scheduled`);
      if (!(job.intervalMs > 0)) throw new Error(`job ${job.name}: intervalMs must be positive`);
      jobs.set(job.name, job);
      schedule(job);
      return () => {
        if (jobs.get(job.name) !== job) return;
        jobs.delete(job.name);
        clearTimeout(timers.get(job.name));
        timers.delete(job.name);
      };
    },
    runIfDue,
    names: () => [...jobs.keys()],
    async start() {
      started = true;
      for (const job of jobs.values()) schedule(job);
    },
    async stop() {
      lifetime.abort(new Error('the core is stopping'));
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      // Runs in progress end (their signal aborted) before the database closes under them.
      await Promise.allSettled(running.values());
    },
  };
}
