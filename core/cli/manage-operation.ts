import {
  AdminOperationError,
  type AdminOperationName,
  AdminRequestError,
  adminOperations,
  adminRequest,
  adminSocketPath,
  NoRunningCoreError,
} from '../api/index.js';
import { type CommonFlags, fail, handleStartError, loadWithFlags } from './common.js';
import { runLocally } from './manage-locally.js';

/**
 * Runs a management operation through the running core's admin socket, or with a database
 * connection of its own when no core runs (both paths run the same operation code).
 */
export type ManageFn = typeof manage;

export async function manage(
  flags: CommonFlags,
  name: AdminOperationName,
  input: { params?: Record<string, string>; body?: Record<string, unknown> } = {},
): Promise<unknown> {
  const { config } = loadWithFlags(flags);
  const op = adminOperations[name];
  const params = input.params ?? {};
  const path = op.path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
  try {
    return await adminRequest(
      adminSocketPath(config.dataDir),
      op.method,
      path,
      op.method === 'POST' ? (input.body ?? {}) : undefined,
    );
  } catch (err) {
    if (err instanceof AdminRequestError) fail(err.message);
    if (!(err instanceof NoRunningCoreError)) throw err;
  }
  try {
    return await runLocally(config, name, { params, body: input.body ?? {} });
  } catch (err) {
    if (err instanceof AdminOperationError) fail(err.message);
    return handleStartError(err);
  }
}
