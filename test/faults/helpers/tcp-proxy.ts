import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy between the core and PostgreSQL that a test can cut (issue 25): `cut()` drops
 * every connection at once and refuses new ones (an outage, as when the database restarts or
 * the network fails), `pause()` leaves new ones unanswered, `stall()` also swallows what the
 * open ones send, `resume()` lets connections through. The shared PostgreSQL server itself is
 * never touched.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private mode: 'up' | 'cut' | 'paused' | 'stalled' = 'up';
  private readonly held = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => proxy!.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** Drops every connection and refuses new ones until `resume()`. */
  cut(): void {
    this.mode = 'cut';
    this.dropAll();
  }

  /**
   * Drops every connection and holds new ones open without an answer until `resume()`: a
   * database that does not answer at all (a hung server, packets dropped on the way).
   */
  pause(): void {
    this.mode = 'paused';
    this.dropAll();
  }

  /**
   * Keeps every connection open but forwards nothing more either way, and holds new ones: a
   * server that hangs mid-conversation, where only a time limit of the client ends a query.
   * `resume()` then drops the stalled connections (their conversation is broken).
   */
  stall(): void {
    this.mode = 'stalled';
  }

  resume(): void {
    if (this.mode === 'stalled') this.dropAll();
    this.mode = 'up';
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.cut();
    this.resume();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    if (this.mode === 'paused' || this.mode === 'stalled') {
      this.held.add(client);
      client.on('error', () => {});
      client.on('close', () => this.held.delete(client));
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => this.mode !== 'stalled' && upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => this.mode !== 'stalled' && client.write(chunk));
  }
}
