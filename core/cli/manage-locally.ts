import { userInfo } from 'node:os';
import {
  type AdminContext,
  AdminOperationError,
  type AdminOperationName,
  adminOperations,
} from '../api/index.js';
import { createDispatcher } from '../commands/index.js';
import { openDatabase, pgliteDirFor } from '../db/index.js';
import { createEventRecorder } from '../events/index.js';
import { ServerKeyring } from '../fleet/index.js';
import { createLogger } from '../log/index.js';
import { type RedflagConfig, serverUrl } from '../config/index.js';

/**
 * Runs a management operation with this process's own database connection, for when no core
 * serves the data directory. The same operation code runs as inside the core; only the broker
 * is missing, so commands wait in the queue until their agent connects to a core.
 */
export async function runLocally(
  config: RedflagConfig,
  name: AdminOperationName,
  input: { params: Record<string, string>; body: Record<string, unknown> },
): Promise<unknown> {
  const logger = createLogger('warn', process.stderr);
  const db = await openDatabase({
    url: config.database.url,
    pgliteDir: pgliteDirFor(config.dataDir),
    schema: config.database.schema,
    poolMax: 2,
    connectTimeoutMs: config.database.connectTimeoutMs,
    queryTimeoutMs: config.database.queryTimeoutMs,
    pglite: config.database.pglite,
  });
  try {
    const { pending } = await db.migrationStatus();
    if (pending.length)
      throw new AdminOperationError(
        503,
        `the database has ${pending.length} pending migration(s); run \`redflag migrate\` first`,
      );
    const keys = ServerKeyring.open(config.dataDir);
    const events = createEventRecorder({ db, logger, perMinute: config.security.refusalEventsPerMinute });
    const dispatcher = createDispatcher({
      db,
      keys,
      events,
      logger,
      publish: async () => {
        throw new Error('no broker in this process');
      },
      isConnected: () => false,
    });
    const ctx: AdminContext = {
      db,
      keys,
      events,
      dispatcher,
      serverUrl: serverUrl(config),
      keyRotationOverlapHours: config.security.keyRotationOverlapHours,
      disconnect: () => false,
    };
    try {
      return await adminOperations[name].run(ctx, { ...input, by: `cli:${userInfo().username}` });
    } finally {
      await events.close();
    }
  } finally {
    await db.close();
  }
}
