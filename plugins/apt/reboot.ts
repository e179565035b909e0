import { readFile } from 'node:fs/promises';
import {
  describeFailure,
  type OperationContext,
  type PluginContext,
  type RebootStatus,
  succeeded,
} from '../sdk/index.js';
import type { AptConfig } from './config.js';
import { isPackageName } from './package-names.js';
import { parseNeedrestart } from './parse-needrestart.js';

/**
 * Reboot needed? Two sources, either suffices: the flag file Debian's and Ubuntu's tools write
 * (`/run/reboot-required`, packages listed in `.pkgs`), and `needrestart -b` when installed
 * (running kernel or microcode older than the installed one).
 */
export async function rebootStatus(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
): Promise<RebootStatus> {
  const status: RebootStatus = { required: false, packages: [], reasons: [] };
  const flagFile = ctx.config.rebootRequiredFile;
  if ((await readOptional(flagFile)) !== null) {
    status.required = true;
    status.reasons.push(`${flagFile} exists`);
    const listed = (await readOptional(`${flagFile}.pkgs`)) ?? '';
    status.packages = [...new Set(listed.split('\n').map((l) => l.trim()))].filter(isPackageName);
  }
  if (ctx.config.needrestartPath) await addNeedrestart(ctx, op, status);
  return status;
}

async function addNeedrestart(
  ctx: PluginContext<AptConfig>,
  op: OperationContext,
  status: RebootStatus,
): Promise<void> {
  // -b: batch output, never asks and never restarts anything; -r l: list only, to be sure;
  // -k -w: only the kernel and microcode checks, which are what a reboot fixes.
  const result = await ctx.run(ctx.config.needrestartPath, ['-b', '-r', 'l', '-k', '-w'], {
    env: { LC_ALL: 'C', LANG: 'C' },
    timeoutMs: ctx.config.commandTimeoutSeconds * 1000,
    signal: op.signal,
  });
  if (result.spawnError) return; // not installed: the flag file is all we have
  if (!succeeded(result)) {
    ctx.logger.warn(
      `needrestart failed, reboot status from ${ctx.config.rebootRequiredFile} only: ${describeFailure(result)}`,
    );
    return;
  }
  const needrestart = parseNeedrestart(result.stdout);
  for (const warning of needrestart.warnings) ctx.logger.warn(warning);
  if (needrestart.kernelStatus === 2 || needrestart.kernelStatus === 3) {
    status.required = true;
    status.reasons.push(
      `the running kernel ${needrestart.runningKernel ?? '?'} is not the newest installed (${needrestart.expectedKernel ?? '?'})`,
    );
  }
  if (needrestart.microcodeStatus === 2) {
    status.required = true;
    status.reasons.push('newer CPU microcode is installed than the one running');
  }
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null; // absent (the usual case) or unreadable: no flag
  }
}
