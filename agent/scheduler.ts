import type { Logger } from 'pino';
import { MAX_SCAN_INTERVAL_SEC, MIN_SCAN_INTERVAL_SEC, type ScanSchedule } from '../broker/protocol/index.js';

export interface SchedulerOptions {
  /** Plugins that can scan here. */
  plugins(): string[];
  /** The core's schedules (persisted); plugins it does not name use the default. */
  schedules(): Record<string, ScanSchedule>;
  defaultIntervalSeconds: number;
  /** When the plugin last finished a scan (from the cache), so a restart does not rescan at once. */
  lastScanAt(plugin: string): Promise<Date | null>;
  scan(plugin: string): Promise<void>;
  logger: Logger;
  /** ± share of the interval added at random to each delay (0.1: ±10 %). */
  jitter?: number;
  /** Overdue scans at start are spread over this window, so a fleet restarting together is staggered. */
  startupSpreadMs?: number;
  random?: () => number;
}

const DEFAULT_JITTER = 0.1;
const DEFAULT_STARTUP_SPREAD_MS = 30_000;

/**
 * Runs each enabled plugin's scan on its interval (DESIGN.md §3.4: bounded 1 min – 24 h,
 * jittered). One timer per plugin; a scan that is still running when its next one is due is
 * not doubled, the next is planned when it ends.
 */
export class ScanScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly dueAt = new Map<string, number>();
  private readonly scanning = new Set<string>();
  private stopped = true;
  private readonly log: Logger;
  private generation = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.log = opts.logger.child({ component: 'scheduler' });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.reschedule();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** The schedules or the plugins changed: plan every plugin again. */
  async reschedule(): Promise<void> {
    const generation = ++this.generation;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.stopped) return;
    for (const plugin of this.opts.plugins()) {
      const schedule = this.scheduleOf(plugin);
      if (!schedule.enabled) {
        this.log.info({ plugin }, 'scheduled scans disabled');
        continue;
      }
      const last = await this.opts.lastScanAt(plugin);
      if (generation !== this.generation || this.stopped) return; // planned again meanwhile
      const due = last ? last.getTime() + this.jittered(schedule.intervalSeconds * 1000) : 0;
      const spread =
        (this.opts.random ?? Math.random)() * (this.opts.startupSpreadMs ?? DEFAULT_STARTUP_SPREAD_MS);
      this.plan(plugin, Math.max(due - Date.now(), spread));
    }
  }

  /** The effective schedule of a plugin, bounds applied. */
  scheduleOf(plugin: string): ScanSchedule {
    const configured = this.opts.schedules()[plugin];
    const interval = configured?.intervalSeconds ?? this.opts.defaultIntervalSeconds;
    return {
      enabled: configured?.enabled ?? true,
      intervalSeconds: Math.min(MAX_SCAN_INTERVAL_SEC, Math.max(MIN_SCAN_INTERVAL_SEC, interval)),
    };
  }

  /** When each plugin's next scan is planned (ms since the epoch); absent: none planned. */
  planned(): Record<string, number> {
    return Object.fromEntries([...this.timers.keys()].map((p) => [p, this.dueAt.get(p)!]));
  }

  private plan(plugin: string, delayMs: number): void {
    clearTimeout(this.timers.get(plugin));
    this.dueAt.set(plugin, Date.now() + Math.max(0, Math.round(delayMs)));
    // setTimeout's limit is 2^31-1 ms (~24.8 days); intervals stay far below it.
    const timer = setTimeout(() => void this.fire(plugin), Math.max(0, Math.round(delayMs)));
    this.timers.set(plugin, timer);
    this.log.debug({ plugin, inMs: Math.round(delayMs) }, 'next scan planned');
  }

  private async fire(plugin: string): Promise<void> {
    this.timers.delete(plugin);
    if (this.stopped || this.scanning.has(plugin)) return;
    this.scanning.add(plugin);
    try {
      await this.opts.scan(plugin);
    } catch (err) {
      this.log.error({ err, plugin }, 'scheduled scan failed');
    } finally {
      this.scanning.delete(plugin);
    }
    const schedule = this.scheduleOf(plugin);
    if (!this.stopped && schedule.enabled && !this.timers.has(plugin))
      this.plan(plugin, this.jittered(schedule.intervalSeconds * 1000));
  }

  private jittered(ms: number): number {
    const jitter = this.opts.jitter ?? DEFAULT_JITTER;
    return ms * (1 - jitter + 2 * jitter * (this.opts.random ?? Math.random)());
  }
}
