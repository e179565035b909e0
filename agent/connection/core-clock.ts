import type { Logger } from 'pino';
import { COMMAND_CLOCK_SKEW_SEC, DEFAULT_MAX_CLOCK_SKEW_SEC } from '../../broker/protocol/index.js';

export interface ClockReading {
  /** The core's clock minus this host's, in ms (positive: this host is behind). */
  offsetMs: number;
  /** How far the reading may be off: half the round trip plus the Date header's one second. */
  uncertaintyMs: number;
}

/**
 * This host's clock as the core sees it (issue 25 §5), read from the `Date` header of the
 * core's `/healthz`. Commands are judged by it, so an agent whose clock is off by less than the
 * broker allows does not refuse a fresh command as expired. The offset used is bounded by the
 * skew the broker accepts (a real one is never larger: the broker would have refused us), so a
 * forged header can shift it no further than that.
 */
export class CoreClock {
  private offsetMs = 0;
  /** The last successful reading. */
  last: ClockReading | null = null;
  private measuring: Promise<ClockReading | null> | null = null;
  private readonly log: Logger;

  constructor(private readonly opts: { serverUrl(): string; logger: Logger; timeoutMs?: number }) {
    this.log = opts.logger.child({ component: 'clock' });
  }

  /** The core's time now, as well as it is known. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Resolves once a measurement in progress is done (at once when none is). */
  async settled(): Promise<void> {
    await this.measuring;
  }

  /** Reads the core's clock; null when the core does not answer (the offset stays as it was). */
  measure(): Promise<ClockReading | null> {
    this.measuring ??= this.read().finally(() => (this.measuring = null));
    return this.measuring;
  }

  private async read(): Promise<ClockReading | null> {
    const url = new URL('healthz', this.opts.serverUrl().replace(/\/?$/, '/'));
    try {
      const sent = Date.now();
      const response = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
      const received = Date.now();
      await response.body?.cancel();
      const date = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isFinite(date)) return null;
      // The header is truncated to the second: its middle is the best guess.
      const reading = {
        offsetMs: Math.round(date + 500 - (sent + received) / 2),
        uncertaintyMs: Math.round((received - sent) / 2) + 500,
      };
      this.last = reading;
      const bound = COMMAND_CLOCK_SKEW_SEC * 1000;
      // Within the reading's own error the host's clock is as good as the estimate.
      this.offsetMs =
        Math.abs(reading.offsetMs) <= reading.uncertaintyMs
          ? 0
          : Math.max(-bound, Math.min(bound, reading.offsetMs));
      if (Math.abs(reading.offsetMs) > 2000)
        this.log.warn(
          { offsetMs: reading.offsetMs },
          `this host's clock is ${describeOffset(reading.offsetMs)} the core's: commands are judged by the core's time`,
        );
      return reading;
    } catch (err) {
      this.log.debug({ err, url: url.href }, 'could not read the core clock');
      return null;
    }
  }
}

/** `412 s ahead of`, `30 s behind`. */
export function describeOffset(offsetMs: number): string {
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  return `${seconds} s ${offsetMs < 0 ? 'ahead of' : 'behind'}`;
}

/**
 * Why the broker refused our credentials, when it is the clock: this host's clock compared with
 * the core's, or null when the clock is within what the broker accepts (or unknown).
 */
export function clockRefusal(reading: ClockReading | null): string | null {
  if (!reading) return null;
  const allowedMs = DEFAULT_MAX_CLOCK_SKEW_SEC * 1000;
  if (Math.abs(reading.offsetMs) - reading.uncertaintyMs <= allowedMs) return null;
  return (
    `the broker refused our credentials because this host's clock is ${describeOffset(reading.offsetMs)} ` +
    `the core's (allowed ±${DEFAULT_MAX_CLOCK_SKEW_SEC} s): set the clock right (NTP)`
  );
}
