import { type OperationContext, type PluginContext, requireSuccess } from '../sdk/index.js';
import { runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';
import { isArch, isPackageName, splitArchQualifier } from './package-names.js';

/**
 * Held packages, as `apt-mark showhold` prints them (one name per line, `name:arch` for an
 * architecture other than dpkg's own), read from the dpkg database: a hold is the selection
 * state `hold` (the first word of `Status`). dpkg-query reads only /var/lib/dpkg/status, in
 * milliseconds; apt-mark first builds apt's whole cache, which took as long as the scan's own
 * `apt list --upgradable` and more than doubled every scan (test/bench/agent-footprint.bench.ts).
 * Holds of packages that are not installed are left out: they hold back no update.
 */
export async function listHolds(ctx: PluginContext<AptConfig>, op: OperationContext): Promise<string[]> {
  const result = requireSuccess(
    await runApt(ctx, op, {
      program: 'dpkg-query',
      args: ['-W', '-f', '${Status}\\t${Package}\\t${Architecture}\\n'],
      timeoutSeconds: ctx.config.commandTimeoutSeconds,
    }),
    'could not read held packages',
  );
  const rows = result.stdout.map((line) => line.split('\t'));
  // dpkg's own architecture is the one apt-mark leaves unqualified (dpkg is always native).
  const native = rows.find(([, name]) => name === 'dpkg')?.[2];
  const holds: string[] = [];
  for (const [status, name, arch] of rows) {
    if (status?.split(' ')[0] !== 'hold') continue;
    if (!name || !isPackageName(name) || (arch && !isArch(arch))) {
      ctx.logger.warn('unreadable held package in the dpkg database', {
        line: `${name}:${arch}`.slice(0, 200),
      });
      continue;
    }
    holds.push(arch && arch !== 'all' && arch !== native ? `${name}:${arch}` : name);
  }
  return holds.sort();
}

/** Is this package (any architecture, or the given one) among the holds? */
export function isHeld(holds: readonly string[], name: string, arch?: string): boolean {
  return holds.some((hold) => {
    const held = splitArchQualifier(hold);
    return held.name === name && (held.arch === undefined || arch === undefined || held.arch === arch);
  });
}
