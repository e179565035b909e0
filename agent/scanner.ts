import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  MAX_PAYLOAD_BYTES,
  MAX_SCAN_PACKAGES,
  type ContainerInventoryItem,
  type ScanMessage,
  type ScanPackage,
  scanPackageSchema,
} from '../broker/protocol/index.js';
import { abortError } from '../plugins/sdk/index.js';
import type { PluginRuntime } from './plugins/plugin-runtime.js';
import { createAjv, describeAjvErrors } from './protocol/ajv.js';
import { type CachedScan, cachedScanOf, recordScan, type ScanTrigger } from './state/scan-cache.js';
import type { Spool } from './state/spool.js';

export interface ScannerContext {
  runtime: PluginRuntime;
  stateDir: string;
  /** Where the scan goes for the core; absent for `redflag-agent scan`, which only prints. */
  spool?: Spool;
  logger: Logger;
}

export interface ScanRun {
  message: ScanMessage;
  warnings: string[];
  cached: CachedScan;
}

const validRecord = createAjv().compile(scanPackageSchema);
const MAX_ERROR = 8192;

/**
 * One scan of one plugin, the same for the scheduler, a `scan` command and the CLI: run it
 * under the plugin's lock, turn the outcome into a protocol `scan` message (a failure is an
 * incomplete scan with `error`, so it can never resolve anything at the core), spool it, and
 * cache it for `list-updates`. Rejects only when `signal` aborts, or when the scan could not be
 * spooled (not even held in memory).
 */
export async function runScan(
  ctx: ScannerContext,
  plugin: string,
  opts: { trigger: ScanTrigger; signal?: AbortSignal; timeoutMs?: number },
): Promise<ScanRun> {
  const log = ctx.logger.child({ component: 'scanner', plugin });
  const startedAt = new Date().toISOString();
  const warnings: string[] = [];
  let packages: ScanPackage[] = [];
  let holds: string[] | undefined;
  let containers: ContainerInventoryItem[] | undefined;
  let complete = false;
  let error: string | undefined;
  try {
    await ctx.runtime.exclusive(plugin, opts.signal, async (pm) => {
      const outcome = await pm.scan({ signal: opts.signal, timeoutMs: opts.timeoutMs });
      if (!outcome.ok) {
        if (outcome.reason === 'cancelled' && opts.signal?.aborted) throw abortError(opts.signal);
        error = outcome.message;
        return;
      }
      packages = outcome.value.packages as ScanPackage[];
      complete = outcome.value.complete;
      containers = outcome.value.containers;
      warnings.push(...outcome.value.warnings);
      const held = await pm.holds({ signal: opts.signal });
      if (held.ok)
        holds = held.value.filter((h) => h.length > 0 && h.length <= 256).slice(0, MAX_SCAN_PACKAGES);
    });
  } catch (err) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    error = (err as Error).message;
  }

  const kept = packages.filter((p) => validRecord(p));
  if (kept.length < packages.length) {
    const bad = packages.find((p) => !validRecord(p));
    validRecord(bad);
    warnings.push(
      `${packages.length - kept.length} record(s) do not fit the protocol and were left out (first: ${describeAjvErrors(validRecord.errors)})`,
    );
    complete = false;
  }
  if (kept.length > MAX_SCAN_PACKAGES) {
    warnings.push(`${kept.length} packages: only the first ${MAX_SCAN_PACKAGES} are reported`);
    kept.length = MAX_SCAN_PACKAGES;
    complete = false;
  }
  const message: ScanMessage = {
    v: 1,
    id: randomUUID(),
    ts: new Date().toISOString(),
    batchId: randomUUID(),
    plugin,
    complete: error === undefined && complete,
    startedAt,
    finishedAt: new Date().toISOString(),
    packages: error === undefined ? kept : [],
    ...(error !== undefined ? { error: error.slice(0, MAX_ERROR) } : {}),
    ...(holds && error === undefined ? { holds } : {}),
    // Checked by the plugin host (plugins/sdk result-checks): whole, or not sent at all.
    ...(containers && error === undefined ? { containers } : {}),
  };
  fitSize(message, warnings);

  if (ctx.spool) await ctx.spool.append('scan', message);
  let cached: CachedScan;
  try {
    cached = await recordScan(ctx.stateDir, message, { trigger: opts.trigger, warnings });
  } catch (err) {
    // The cache only serves `list-updates`: a disk that refuses it must not fail the scan (issue 25 §2).
    log.warn({ err }, 'could not cache the scan for list-updates');
    cached = cachedScanOf(message, { trigger: opts.trigger, warnings }, null);
  }
  if (error !== undefined) log.warn({ error }, 'scan failed');
  else
    log.info(
      { packages: message.packages.length, complete: message.complete, trigger: opts.trigger },
      'scan finished',
    );
  return { message, warnings, cached };
}

/**
 * Keeps the message under the protocol's size limit: the container inventory goes first (the
 * core keeps the last one it had), then metadata, then packages.
 */
function fitSize(message: ScanMessage, warnings: string[]): void {
  const limit = MAX_PAYLOAD_BYTES.scan - 4096; // room for a fresh ts on re-send
  if (Buffer.byteLength(JSON.stringify(message)) <= limit) return;
  if (message.containers) {
    delete message.containers;
    warnings.push('the scan was too large to send: the container inventory was left out');
    if (Buffer.byteLength(JSON.stringify(message)) <= limit) return;
  }
  for (const p of message.packages) p.metadata = {};
  warnings.push('the scan was too large to send: package metadata was left out');
  message.complete = false;
  while (message.packages.length && Buffer.byteLength(JSON.stringify(message)) > limit)
    message.packages.length = Math.floor(message.packages.length * 0.9);
}
