/**
 * Runs each agent's work one item at a time, in arrival order, while different agents
 * proceed in parallel: a scan must not overtake the hello before it, a disconnect must not
 * overtake the connect.
 */
export class PerAgentQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly onError: (agentId: string, err: unknown) => void) {}

  push(agentId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(agentId) ?? Promise.resolve();
    const next = previous.then(work).catch((err: unknown) => this.onError(agentId, err));
    this.tails.set(agentId, next);
    void next.then(() => {
      if (this.tails.get(agentId) === next) this.tails.delete(agentId);
    });
    return next;
  }

  /** Resolves when everything queued so far has run (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}
