import {
  describeFailure,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
} from '../sdk/index.js';
import { runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';
import { isArch, isPackageName, splitArchQualifier } from './package-names.js';

/** Held packages (`apt-mark showhold`): one name per line, `name:arch` for a foreign architecture. */
export async function listHolds(ctx: PluginContext<AptConfig>, op: OperationContext): Promise<string[]> {
  const result = await runApt(ctx, op, {
    program: 'apt-mark',
    args: ['showhold'],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!succeeded(result))
    throw new PluginError(`could not read held packages: ${describeFailure(result)}`, {
      code: 'command-failed',
    });
  const holds: string[] = [];
  for (const line of result.stdout.map((l) => l.trim()).filter(Boolean)) {
    const { name, arch } = splitArchQualifier(line);
    if (isPackageName(name) && (arch === undefined || isArch(arch))) holds.push(line);
    else ctx.logger.warn('unreadable line in apt-mark showhold', { line: line.slice(0, 200) });
  }
  return holds;
}

/** Is this package (any architecture, or the given one) among the holds? */
export function isHeld(holds: readonly string[], name: string, arch?: string): boolean {
  return holds.some((hold) => {
    const held = splitArchQualifier(hold);
    return held.name === name && (held.arch === undefined || arch === undefined || held.arch === arch);
  });
}
