import { type OperationContext, type PluginContext, requireSuccess } from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import {
  type InstalledSnap,
  type Parsed,
  parseRefreshList,
  parseSnapList,
  type RefreshCandidate,
} from './parse-snaps.js';
import { PLAIN, runSnap } from './snap-runner.js';

/**
 * `snap refresh --list`: snaps with a newer revision in the store. With none it prints
 * "All snaps up to date." on stderr and exits 0 (fixtures README), so stdout alone is read.
 */
export async function readRefreshCandidates(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
): Promise<Parsed<RefreshCandidate>> {
  const result = requireSuccess(
    await runSnap(ctx, op, {
      args: ['refresh', '--list', ...PLAIN],
      timeoutSeconds: ctx.config.commandTimeoutSeconds,
    }),
  );
  return parseRefreshList(result.stdout);
}

/** `snap list`: installed snaps by name (an empty system prints only a note on stderr). */
export async function readInstalled(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
): Promise<{ snaps: Map<string, InstalledSnap>; warnings: string[] }> {
  const result = requireSuccess(
    await runSnap(ctx, op, { args: ['list', ...PLAIN], timeoutSeconds: ctx.config.commandTimeoutSeconds }),
  );
  const parsed = parseSnapList(result.stdout);
  return { snaps: new Map(parsed.items.map((snap) => [snap.name, snap])), warnings: parsed.warnings };
}

/** Held with `snap refresh --hold` (snapd ≥ 2.58 shows `held` in the notes). */
export const isHeld = (snap: InstalledSnap | undefined): boolean => snap?.notes.includes('held') ?? false;

/** Kernel and gadget refreshes make snapd reboot the device (Ubuntu Core). */
export const needsReboot = (snap: InstalledSnap | undefined): boolean =>
  snap?.notes.some((n) => n === 'kernel' || n === 'gadget') ?? false;
