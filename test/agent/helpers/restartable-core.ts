import { loadConfig, type RedflagConfig } from '../../../core/config/index.js';
import { createToken } from '../../../core/fleet/index.js';
import { createLogger } from '../../../core/log/index.js';
import { type CoreHandle, startCore } from '../../../core/main.js';
import { freePort, tempDir } from '../../helpers/cli.js';

/**
 * A real core in this process that can be stopped and started again on the same data
 * directory and ports: "the core is down" for the agent, then back with everything it stored.
 */
export class RestartableCore {
  private handle: CoreHandle | null = null;

  private constructor(
    readonly config: RedflagConfig,
    private readonly dir: { path: string; remove(): void },
  ) {}

  static async start(overrides: (config: RedflagConfig) => void = () => {}): Promise<RestartableCore> {
    const dir = tempDir('redflag-agent-core-');
    const { config } = loadConfig({ configPath: '/dev/null', env: {}, addonOptionsPath: '/nonexistent' });
    config.dataDir = dir.path;
    config.http.host = '127.0.0.1';
    config.http.port = await freePort();
    config.broker.host = '127.0.0.1';
    config.broker.port = await freePort();
    config.log.level = 'silent';
    overrides(config);
    const core = new RestartableCore(config, dir);
    await core.up();
    return core;
  }

  get core(): CoreHandle {
    if (!this.handle) throw new Error('the core is down');
    return this.handle;
  }

  get running(): boolean {
    return this.handle !== null;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.config.http.port}`;
  }

  async up(): Promise<void> {
    if (this.handle) return;
    this.handle = await startCore(this.config, createLogger(this.config.log.level));
  }

  async down(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.stop('test: core down');
  }

  async createToken(seats = 1): Promise<string> {
    const core = this.core;
    const created = await createToken(
      { db: core.db, keys: core.keys, events: core.events, serverUrl: core.httpUrl },
      { label: 'agent test', seats, expires: '1d', createdBy: 'test' },
    );
    return created.token;
  }

  async close(): Promise<void> {
    await this.down();
    this.dir.remove();
  }
}
