import { errorMessage } from '../sdk/index.js';
import type { UpdateRun } from './update-run.js';

/**
 * Puts the previous container back: the new one removed, the kept one renamed back and started
 * (when it ran before) on its own image, which it never left. The problem, or null.
 */
export async function restorePrevious(
  run: UpdateRun,
  previous: { id: string; name: string; wasRunning: boolean },
  newId: string | undefined,
): Promise<string | null> {
  const { ops, op } = run;
  try {
    if (newId) await ops.remove(newId, op.signal);
    await ops.rename(previous.id, previous.name, op.signal);
    if (!previous.wasRunning) return null;
    await ops.start(previous.id, op.signal);
    return await ops.waitReady(previous.id, { ...run.ready, signal: op.signal });
  } catch (error) {
    return errorMessage(error);
  }
}
