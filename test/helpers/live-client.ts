import WebSocket from 'ws';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- messages are checked field by field
export type LiveMessage = Record<string, any>;

/**
 * A real WebSocket client (the `ws` package) on GET /api/v1/live: collects every message and
 * waits for the ones a test expects, without timed assertions (a generous deadline only turns
 * a hang into a readable failure).
 */
export class LiveTestClient {
  readonly messages: LiveMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as LiveMessage);
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens the stream; rejects with the HTTP status when the upgrade is refused. */
  static open(
    httpUrl: string,
    opts: { query?: string; headers?: Record<string, string>; autoPong?: boolean } = {},
  ): Promise<LiveTestClient> {
    const url = `${httpUrl.replace(/^http/, 'ws')}/api/v1/live${opts.query ? `?${opts.query}` : ''}`;
    const socket = new WebSocket(url, { headers: opts.headers, autoPong: opts.autoPong ?? true });
    const client = new LiveTestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => reject(new RefusedUpgrade(res.statusCode ?? 0, body)));
      });
      socket.once('error', reject);
    });
  }

  events(): LiveMessage[] {
    return this.messages.filter((m) => m.type === 'event');
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Resolves with the first message matching `match` (counting from `from`). */
  async waitFor(
    match: (m: LiveMessage) => boolean,
    what = 'a matching message',
    from = 0,
  ): Promise<LiveMessage> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closed)
        throw new Error(`stream closed (${this.closed.code} ${this.closed.reason}) before ${what}`);
      if (Date.now() > deadline)
        throw new Error(`no ${what} within 15 s; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async waitForClose(): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + 30_000;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('stream not closed within 30 s');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
}

export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}
