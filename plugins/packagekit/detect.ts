import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { type DetectResult, errorMessage, type OperationContext, type PluginContext } from '../sdk/index.js';
import type { PackageKitConfig } from './config.js';
import { systemBusAddress } from './dbus-connection.js';
import { PackageKitSession } from './session.js';
import { PACKAGEKIT, PACKAGEKIT_PATH } from './transaction.js';

/** The package manager CLIs other built-in plugins drive; with one of them PackageKit is not needed. */
export const COVERED_CLIS = ['apt-get', 'dnf5', 'dnf', 'yum', 'pacman'] as const;

/**
 * Available when PackageKit answers on the system bus (its properties, which also starts it by
 * D-Bus activation), and, with `use: auto`, the host has none of COVERED_CLIS on PATH.
 */
export async function detectPackageKit(
  ctx: PluginContext<PackageKitConfig>,
  op: OperationContext,
): Promise<DetectResult> {
  if (ctx.config.use === 'never')
    return { available: false, reason: 'turned off (plugins.packagekit.use: never)' };
  let version: string;
  try {
    version = await PackageKitSession.with(ctx, op, async (session) => {
      const [props] = await session.bus.call(
        {
          destination: PACKAGEKIT,
          path: PACKAGEKIT_PATH,
          interface: 'org.freedesktop.DBus.Properties',
          member: 'GetAll',
          signature: 's',
          body: [PACKAGEKIT],
        },
        session.callOptions,
      );
      const value = (name: string) => variantValue(props, name);
      const backend = value('BackendName');
      return `${[value('VersionMajor'), value('VersionMinor'), value('VersionMicro')].join('.')}${backend ? ` (${backend} backend)` : ''}`;
    });
  } catch (error) {
    if (op.signal.aborted) throw error;
    return {
      available: false,
      reason: `PackageKit does not answer on the system bus (${systemBusAddress(ctx.config.busAddress)}): ${errorMessage(error)}`,
    };
  }
  if (ctx.config.use === 'auto') {
    const cli = await findCoveredCli(process.env.PATH ?? '');
    if (cli)
      return {
        available: false,
        reason: `PackageKit ${version} answers, but this host has ${cli}, which its own plugin drives; set plugins.packagekit.use: always to use PackageKit anyway`,
      };
  }
  return { available: true, version };
}

export async function findCoveredCli(path: string): Promise<string | undefined> {
  for (const cli of COVERED_CLIS)
    for (const dir of path.split(delimiter).filter(Boolean)) {
      try {
        await access(join(dir, cli), constants.X_OK);
        return cli;
      } catch {
        // not here
      }
    }
  return undefined;
}

/** One `a{sv}` entry's value as dbus-native unmarshals it: `[[name, [signature, [value]]], …]`. */
function variantValue(dict: unknown, name: string): string | undefined {
  if (!Array.isArray(dict)) return undefined;
  const entry: unknown = dict.find((e) => Array.isArray(e) && e[0] === name);
  const variant: unknown = Array.isArray(entry) ? entry[1] : undefined;
  const value: unknown = Array.isArray(variant) && Array.isArray(variant[1]) ? variant[1][0] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
