import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { adminSocketPath, buildApiServer, removeStaleSocket, startAdminSocket } from './api/index.js';
import type { RedflagConfig } from './config/index.js';
import { type Database, openDatabase, pgliteDirFor } from './db/index.js';
import type { Logger } from './log/index.js';
import { CORE_VERSION } from './version.js';

export interface CoreHandle {
  db: Database;
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:8080 */
  httpUrl: string;
  /** Stops accepting, lets in-flight requests finish (up to shutdown.timeoutMs), closes the database. */
  stop(reason: string): Promise<{ clean: boolean }>;
}

/** The composition root: builds every part of the core from one validated config. */
export async function startCore(config: RedflagConfig, logger: Logger): Promise<CoreHandle> {
  const log = logger.child({ component: 'core' });
  ensureDataDir(config.dataDir);
  const opened: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close().catch((err) => log.error({ err }, 'close failed'));
    opened.length = 0;
  };

  try {
    // Claim the data directory before PGlite opens it: two processes would corrupt it.
    await removeStaleSocket(adminSocketPath(config.dataDir));

    const db = await openDatabase({
      url: config.database.url,
      pgliteDir: pgliteDirFor(config.dataDir),
      schema: config.database.schema,
      poolMax: config.database.poolMax,
      connectTimeoutMs: config.database.connectTimeoutMs,
      onLog: (level, message) => log[level]({ component: 'db' }, message),
    });
    opened.push(() => db.close());
    log.info({ database: db.location }, 'database opened');

    const applied = await db.migrate();
    if (applied.length) log.info({ applied }, 'migrations applied');

    const app: FastifyInstance = await buildApiServer({ db, logger, version: CORE_VERSION });
    await app.listen({ host: config.http.host, port: config.http.port });
    opened.push(() => app.close());

    const admin = await startAdminSocket({ db, logger, version: CORE_VERSION, dataDir: config.dataDir });
    opened.push(() => admin.close());

    await db.systemEvents.record({
      type: 'core',
      subtype: 'started',
      severity: 'info',
      component: 'core',
      message: `RedFlag core ${CORE_VERSION} started`,
      metadata: { version: CORE_VERSION, database: db.kind, pid: process.pid, migrationsApplied: applied },
    });
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
    log.info({ url: httpUrl, version: CORE_VERSION, dataDir: config.dataDir }, 'RedFlag core ready');

    return {
      db,
      httpUrl,
      async stop(reason) {
        log.info({ reason }, 'stopping');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), config.shutdown.timeoutMs);
        });
        const outcome = await Promise.race([closeAll().then(() => 'closed' as const), timedOut]);
        clearTimeout(timer);
        if (outcome === 'timeout') log.warn({ timeoutMs: config.shutdown.timeoutMs }, 'shutdown timed out');
        else log.info('stopped');
        return { clean: outcome === 'closed' };
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function ensureDataDir(dir: string) {
  // mode applies only to directories created here; an existing one is left as the user set it.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
