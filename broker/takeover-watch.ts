/** Takeovers that make an episode: one identity on two hosts (issue 21 §5). */
export interface TakeoverEpisode {
  takeovers: number;
  /** The source addresses of the connections that took over each other, in first-seen order. */
  addresses: string[];
}

/**
 * Counts connections that displace a live session of the same agent. One now and then is a
 * lost connection the broker had not noticed yet; two hosts holding one identity displace each
 * other every few seconds (each reconnects after its short backoff). A lone agent can displace
 * itself at most about once per keepalive (30 s), so `threshold` takeovers within `windowMs`
 * are an episode, reported once; counting starts again after it.
 */
export class TakeoverWatch {
  private readonly recent = new Map<string, { times: number[]; addresses: string[] }>();
  private lastPrune = 0;

  constructor(private readonly opts: { threshold: number; windowMs: number }) {}

  /** Notes one takeover; returns the episode when this one completes it, else null. */
  note(agentId: string, addresses: Array<string | null>, nowMs: number): TakeoverEpisode | null {
    this.prune(nowMs);
    let entry = this.recent.get(agentId);
    if (!entry) {
      entry = { times: [], addresses: [] };
      this.recent.set(agentId, entry);
    }
    entry.times = entry.times.filter((t) => nowMs - t < this.opts.windowMs);
    entry.times.push(nowMs);
    for (const address of addresses)
      if (address !== null && !entry.addresses.includes(address)) entry.addresses.push(address);
    if (entry.times.length < this.opts.threshold) return null;
    this.recent.delete(agentId);
    return { takeovers: entry.times.length, addresses: entry.addresses };
  }

  private prune(nowMs: number) {
    if (nowMs - this.lastPrune < this.opts.windowMs) return;
    this.lastPrune = nowMs;
    for (const [agentId, entry] of this.recent) {
      if (entry.times.every((t) => nowMs - t >= this.opts.windowMs)) this.recent.delete(agentId);
    }
  }
}
