import type { Database, NewSystemEvent, SystemEvent } from '../db/index.js';
import type { Logger } from '../log/index.js';
import type { LiveBus } from './bus.js';

export interface EventRecorder {
  /** Records a system event; a failure to store it is logged, never thrown (errors are history, not crashes). */
  record(event: NewSystemEvent): Promise<void>;
  /** Puts an event stored elsewhere (an agent's own, deduplicated by message id) on the live bus. */
  published(event: SystemEvent): void;
  /**
   * Same, but at most `perMinute` events per key (an agent id, or a source address and the
   * agent id it claimed) per minute: a flood of bad connects or bad messages cannot fill the
   * table. Suppressed events are counted exactly and summarised in one event per key when the
   * minute ends.
   */
  recordLimited(key: string, event: NewSystemEvent): Promise<void>;
  /** Writes pending summaries (called on shutdown and by the timer). */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** A service of the core (issue 22 §3), stopped after every part that records: `close()`. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Window {
  startedAt: number;
  recorded: number;
  suppressed: number;
  sample: NewSystemEvent | null;
}

export function createEventRecorder(opts: {
  db: Database;
  logger: Logger;
  perMinute: number;
  now?: () => number;
  /** Every stored event also goes out as `system.event` (the live stream). */
  bus?: LiveBus;
}): EventRecorder {
  const log = opts.logger.child({ component: 'events' });
  const now = opts.now ?? Date.now;
  const windows = new Map<string, Window>();

  const published = (event: SystemEvent) => {
    opts.bus?.emit('system.event', event.agentId, {
      id: event.id,
      type: event.type,
      subtype: event.subtype,
      severity: event.severity,
      component: event.component,
      message: event.message,
      metadata: event.metadata,
      createdAt: event.createdAt.toISOString(),
    });
  };

  const record = async (event: NewSystemEvent) => {
    try {
      published(await opts.db.systemEvents.record(event));
    } catch (err) {
      log.error({ err, event }, 'could not record system event');
    }
  };

  const summarise = (key: string, w: Window) =>
    w.suppressed > 0 && w.sample
      ? record({
          ...w.sample,
          message: `${w.suppressed} more like this in the last minute were not recorded one by one: ${w.sample.message}`,
          metadata: { ...w.sample.metadata, suppressed: w.suppressed, key },
        })
      : Promise.resolve();

  const flush = async () => {
    const t = now();
    const ended: Array<[string, Window]> = [];
    for (const [key, w] of windows) {
      if (t - w.startedAt < 60_000) continue;
      windows.delete(key);
      ended.push([key, w]);
    }
    for (const [key, w] of ended) await summarise(key, w);
  };

  const timer = setInterval(() => void flush(), 10_000);
  timer.unref();

  const recorder: EventRecorder = {
    record,
    published,
    async recordLimited(key, event) {
      // The window is counted before any await (issue 21 §9): refusals arrive together, and a
      // call that awaited first would start a window of its own, dropping another's counts.
      const t = now();
      let w = windows.get(key);
      let ended: Window | null = null;
      if (w && t - w.startedAt >= 60_000) {
        ended = w;
        w = undefined;
      }
      if (!w) {
        w = { startedAt: t, recorded: 0, suppressed: 0, sample: null };
        windows.set(key, w);
      }
      const recordIt = w.recorded < opts.perMinute;
      if (recordIt) w.recorded++;
      else {
        w.suppressed++;
        w.sample = event;
      }
      if (ended) await summarise(key, ended);
      if (recordIt) await record(event);
    },
    flush,
    name: 'event recorder',
    start: async () => {},
    stop: () => recorder.close(),
    async close() {
      clearInterval(timer);
      // Summaries of an unfinished minute are written now rather than lost.
      for (const w of windows.values()) w.startedAt = -Infinity;
      await flush();
    },
  };
  return recorder;
}
