import {
  describeFailure,
  type OperationContext,
  type PluginContext,
  PluginError,
  requireSuccess,
  succeeded,
} from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';
import { FLATPAK_ENV, runFlatpak } from './flatpak-runner.js';
import { INSTALLED_COLUMNS, type InstalledRef, parseInstalled } from './parse-installed.js';
import { parseUpdates, type RemoteUpdate, UPDATE_COLUMNS } from './parse-updates.js';
import { isArch, isCommit, isVersionText, refKey } from './refs.js';
import type { Revision } from './versions.js';

export interface Listed<T> {
  items: T;
  warnings: string[];
}

/** Installed refs by `id/arch/branch` (`flatpak list`). */
export async function readInstalled(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
): Promise<Listed<Map<string, InstalledRef>>> {
  const result = requireSuccess(
    await runFlatpak(ctx, op, {
      args: ['list', `--columns=${INSTALLED_COLUMNS}`],
      timeoutSeconds: ctx.config.commandTimeoutSeconds,
    }),
  );
  const parsed = parseInstalled(result.stdout);
  return { items: new Map(parsed.rows.map((row) => [refKey(row.ref), row])), warnings: parsed.warnings };
}

/**
 * Installed refs with a newer commit on their remote (`flatpak remote-ls --updates`, which asks
 * the remotes, not a cache). A remote that cannot be reached fails it: the list would be partial.
 */
export async function readUpdates(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
): Promise<Listed<RemoteUpdate[]>> {
  const result = requireSuccess(
    await runFlatpak(ctx, op, {
      args: ['remote-ls', '--updates', `--columns=${UPDATE_COLUMNS}`],
      timeoutSeconds: ctx.config.commandTimeoutSeconds,
    }),
  );
  const parsed = parseUpdates(result.stdout);
  return { items: parsed.rows, warnings: parsed.warnings };
}

/** The arch flatpak uses when a ref names none (`flatpak --default-arch`: `x86_64`). */
export async function defaultArch(ctx: PluginContext<FlatpakConfig>, op: OperationContext): Promise<string> {
  const result = await ctx.run('flatpak', ['--default-arch'], {
    env: FLATPAK_ENV,
    timeoutMs: ctx.config.commandTimeoutSeconds * 1000,
    signal: op.signal,
  });
  const arch = result.stdout[0]?.trim() ?? '';
  if (!succeeded(result) || !isArch(arch))
    throw new PluginError(`could not read flatpak's default arch: ${describeFailure(result)}`, {
      code: 'command-failed',
    });
  return arch;
}

/**
 * The version and commit a remote offers for a ref (`flatpak remote-info`: `Version: 1.2`,
 * `Commit: <64 hex>`), for packages a transaction would newly install; null when unknown.
 */
export async function remoteRevision(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  remote: string,
  ref: string,
): Promise<Revision | null> {
  const result = await runFlatpak(ctx, op, {
    args: ['remote-info'],
    refs: [remote, ref],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!succeeded(result)) return null;
  const field = (name: string) =>
    result.stdout.map((l) => new RegExp(`^\\s*${name}: (\\S.*)$`).exec(l)?.[1]?.trim()).find(Boolean) ?? '';
  const version = field('Version');
  const commit = field('Commit').slice(0, 12);
  if (!isCommit(commit)) return null;
  return { version: isVersionText(version) ? version : '', commit };
}
