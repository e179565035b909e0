import type { OperationContext, PluginContext } from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import { isHeld, readInstalled } from './inventory.js';

/** Snaps held with `snap refresh --hold <snap>` (snapd ≥ 2.58; older snapd has no per-snap hold). */
export async function listHolds(ctx: PluginContext<SnapConfig>, op: OperationContext): Promise<string[]> {
  const { snaps } = await readInstalled(ctx, op);
  return [...snaps.values()].filter((snap) => isHeld(snap)).map((snap) => snap.name);
}
