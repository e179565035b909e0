import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { adminRequest } from '../../../core/api/index.js';
import { type Command, type Database, openDatabase } from '../../../core/db/index.js';
import { cleanEnv, freePort, REDFLAG_BIN, tempDir } from '../../helpers/cli.js';
import { newSchemaName, pgUrl } from '../../helpers/databases.js';

/**
 * `redflag serve` in a process of its own (issue 25): a test can kill it with SIGKILL, as an
 * operator's `kill -9` or the OOM killer would, and start it again on the same data directory,
 * ports and database, so its agents come back to it. With `postgres`, on a PostgreSQL schema
 * of its own that the test reads through `db`, a handle of its own.
 */
export class CoreProcess {
  private child: ChildProcess | null = null;
  private out = '';
  private database: Database | null = null;

  private constructor(
    private readonly dir: { path: string; remove(): void },
    private readonly env: Record<string, string>,
    readonly httpPort: number,
    readonly mqttPort: number,
  ) {}

  static async start(opts: { postgres?: boolean; env?: Record<string, string> } = {}): Promise<CoreProcess> {
    const env: Record<string, string> = { ...opts.env };
    if (opts.postgres) {
      env.REDFLAG_DATABASE_URL = pgUrl()!;
      env.REDFLAG_DATABASE_SCHEMA = newSchemaName();
    }
    const core = new CoreProcess(tempDir('rf-fault-core-'), env, await freePort(), await freePort());
    await core.up();
    return core;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  get dataDir(): string {
    return this.dir.path;
  }

  /** What the core printed (its log at warn and above). */
  output(): string {
    return this.out;
  }

  /** Starts the core; resolves with the milliseconds until `/readyz` answered 200. */
  async up(): Promise<number> {
    if (this.child) throw new Error('the core runs already');
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [REDFLAG_BIN, 'serve', '--data-dir', this.dir.path, '--http-port', String(this.httpPort)],
      {
        env: cleanEnv({
          REDFLAG_LOG_LEVEL: 'warn',
          REDFLAG_HTTP_HOST: '127.0.0.1',
          REDFLAG_BROKER_HOST: '127.0.0.1',
          REDFLAG_BROKER_PORT: String(this.mqttPort),
          ...this.env,
        }),
      },
    );
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.out += d));
    child.stderr!.on('data', (d: Buffer) => (this.out += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let gone = false;
    void exited.then(() => {
      gone = true;
      if (this.child === child) this.child = null;
    });
    for (;;) {
      if (gone) throw new Error(`the core exited before it was ready:\n${this.out}`);
      const ready = await fetch(`${this.httpUrl}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: no shutdown, nothing flushed. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  /** The PostgreSQL schema the core uses, read by the test (opened once the core migrated it). */
  async db(): Promise<Database> {
    const schema = this.env.REDFLAG_DATABASE_SCHEMA;
    if (!schema) throw new Error('the core runs on PGlite: only it can open its database');
    this.database ??= await openDatabase({
      url: pgUrl()!,
      pgliteDir: '',
      schema,
      poolMax: 2,
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 15_000,
    });
    return this.database;
  }

  get schema(): string | undefined {
    return this.env.REDFLAG_DATABASE_SCHEMA;
  }

  /** A request on the management socket, as `redflag` on the same machine makes it. */
  admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    return adminRequest<T>(join(this.dir.path, 'redflag.sock'), method, path, body);
  }

  async createToken(seats = 1): Promise<string> {
    const { token } = await this.admin<{ token: string }>('POST', '/v1/tokens', {
      label: 'fault test',
      seats,
      expires: '1d',
    });
    return token;
  }

  issue(agentId: string, type: string, params: Record<string, unknown> = {}): Promise<Command> {
    return this.admin<Command>('POST', `/v1/agents/${agentId}/commands`, { type, params });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      this.child = null;
    }
    await this.database?.close();
    this.dir.remove();
  }
}
