import { loadConfig, type RedflagConfig } from '../../core/config/index.js';
import { createLogger } from '../../core/log/index.js';
import { type CoreHandle, startCore } from '../../core/main.js';
import { freePort, tempDir } from './cli.js';
import { type DatabaseTarget, newSchemaName, pgUrl } from './databases.js';

export interface TestCore extends CoreHandle {
  config: RedflagConfig;
  mqttUrl: string;
  /** Creates a registration token through the same code as `redflag token create`. */
  createToken(seats?: number, expires?: string): Promise<string>;
  close(): Promise<void>;
}

/** A whole core in this process on free ports, with a temporary data directory. */
export async function startTestCore(
  target: DatabaseTarget['name'] = 'PGlite',
  overrides: (config: RedflagConfig) => void = () => {},
  /** Where log lines go (config.log.level decides which); stdout when not given. */
  logTo?: NodeJS.WritableStream,
): Promise<TestCore> {
  const dir = tempDir('redflag-core-');
  const { config } = loadConfig({ configPath: '/dev/null', env: {}, addonOptionsPath: '/nonexistent' });
  config.dataDir = dir.path;
  config.http.host = '127.0.0.1';
  config.http.port = await freePort();
  config.broker.host = '127.0.0.1';
  config.broker.port = await freePort();
  config.log.level = 'silent';
  if (target === 'PostgreSQL') {
    config.database.url = pgUrl() ?? null;
    config.database.schema = newSchemaName();
  }
  overrides(config);
  const core = await startCore(config, createLogger(config.log.level, logTo));
  const { createToken } = await import('../../core/fleet/index.js');
  return {
    ...core,
    config,
    mqttUrl: `mqtt://127.0.0.1:${core.broker.ports.tcp}`,
    async createToken(seats = 1, expires = '1d') {
      const created = await createToken(
        { db: core.db, keys: core.keys, events: core.events, serverUrl: core.httpUrl },
        { label: 'test', seats, expires, createdBy: 'test' },
      );
      return created.token;
    },
    async close() {
      await core.stop('test done');
      dir.remove();
    },
  };
}
