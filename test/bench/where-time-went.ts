// What a benchmark prints beside its numbers so a reader can tell the core's cost from the
// machine's: CPU time per process, and the pauses of the bench process itself (it hosts the
// simulated agents, so its own garbage collections land in what it measures).
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { cpuSeconds } from './lib.js';

/** User + system CPU of a process in ms (0 once it is gone). */
function cpuMsOf(pid: number | string): number {
  try {
    return cpuSeconds(pid) * 1000;
  } catch {
    return 0;
  }
}

/** CPU of every PostgreSQL server process on this machine, by pid. */
function postgresCpu(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') byPid.set(pid, cpuMsOf(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/**
 * Starts counting CPU for the core (its pid), the PostgreSQL server and this process; the
 * returned function says how it was spent since, e.g. "core 1.4 s, PostgreSQL 4.8 s, bench 0.1 s".
 */
export function cpuSplit(corePid: number): () => string {
  const core0 = cpuMsOf(corePid);
  const pg0 = postgresCpu();
  const self0 = process.cpuUsage();
  return () => {
    let pg = 0;
    for (const [pid, ms] of postgresCpu()) pg += ms - (pg0.get(pid) ?? 0);
    const self = process.cpuUsage(self0);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return `core ${s(cpuMsOf(corePid) - core0)}, PostgreSQL server ${s(pg)}, bench ${s((self.user + self.system) / 1000)}`;
  };
}

/**
 * Watches this process's garbage collections and event-loop delay; `stop` tells how many of
 * the given slowest spans ([start, end] in performance.now() ms) a collection overlapped.
 */
export function benchPauses() {
  const collections: Array<{ start: number; duration: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) collections.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  return {
    stop(slowest: Array<[number, number]>): string {
      observer.disconnect();
      delay.disable();
      const longest = Math.max(0, ...collections.map((c) => c.duration));
      const hit = slowest.filter(([a, b]) =>
        collections.some((c) => c.start < b && c.start + c.duration > a),
      ).length;
      return (
        `${collections.length} garbage collections (longest ${longest.toFixed(1)} ms, in ${hit} of the ` +
        `${slowest.length} slowest samples), event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`
      );
    },
  };
}
