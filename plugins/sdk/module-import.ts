import { errorMessage } from './errors.js';
import type { PluginModuleEntry } from './host-types.js';

/**
 * Imports one plugin module, giving up after `timeoutMs`: a module that hangs at import costs
 * its own timeout and is reported failed, the others load side by side.
 */
export async function importPluginModule(
  entry: PluginModuleEntry,
  timeoutMs: number,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const loading = Promise.resolve().then(() => entry.load());
    loading.catch(() => {});
    const value = await Promise.race([
      loading,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`loading took longer than ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: `plugin module ${entry.id} could not be loaded: ${errorMessage(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
