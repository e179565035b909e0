import { type PackageRef, PluginError } from '../sdk/index.js';
import { normalizeEvr, parseEvr } from './rpm-version.js';

// RPM's rules as Fedora's packaging guidelines state them. Names and versions from requests
// are untrusted: besides being passed as separate arguments, none may start with `-` (no
// option), none may hold a glob character (`*?[]`: dnf would expand it to other packages).
const NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/;
const ARCH = /^[A-Za-z0-9_]+$/;
const VERSION_PART = '[A-Za-z0-9_+~^][A-Za-z0-9._+~^]*';
const EVR = new RegExp(`^(?:\\d{1,10}:)?${VERSION_PART}(?:-${VERSION_PART})?$`);
const FULL_EVR = new RegExp(`^(?:\\d{1,10}:)?${VERSION_PART}-${VERSION_PART}$`);

export const isPackageName = (value: string): boolean => value.length <= 256 && NAME.test(value);
export const isArch = (value: string): boolean => value.length <= 64 && ARCH.test(value);
/** `[epoch:]version[-release]`, as a request may pin it. */
export const isEvr = (value: string): boolean => value.length <= 256 && EVR.test(value);
/** `[epoch:]version-release`, as dnf and rpm print an available or installed package. */
export const isFullEvr = (value: string): boolean => value.length <= 256 && FULL_EVR.test(value);
/** A repository id as dnf prints it (`updates`, `@System`, `@commandline`): printable, no space. */
export const isRepoId = (value: string): boolean =>
  value.length <= 200 && /^@?[A-Za-z0-9_.:+-]+$/.test(value);

/**
 * Package arguments for dnf: `name`, `name.arch`, or with a pinned version the full
 * `name-epoch:version-release[.arch]` (a name never contains `:`, so dnf cannot read the pin
 * as part of another package's name). Refuses anything else.
 */
export function dnfPackageArguments(packages: readonly PackageRef[]): string[] {
  if (packages.length === 0) throw new PluginError('no packages were named', { code: 'invalid-request' });
  return packages.map((ref) => {
    const problems = [
      !isPackageName(ref.name) && `"${ref.name}" is not an RPM package name`,
      ref.arch !== undefined && !isArch(ref.arch) && `"${ref.arch}" is not an architecture`,
      ref.version !== undefined && !isEvr(ref.version) && `"${ref.version}" is not an RPM version`,
    ].filter(Boolean);
    if (problems.length)
      throw new PluginError(`refused package ${JSON.stringify(ref)}: ${problems.join(', ')}`, {
        code: 'invalid-request',
      });
    const arch = ref.arch ? `.${ref.arch}` : '';
    if (ref.version === undefined) return `${ref.name}${arch}`;
    const { epoch, version, release } = parseEvr(ref.version);
    return `${ref.name}-${epoch}:${version}${release ? `-${release}` : ''}${arch}`;
  });
}

export interface Nevra {
  name: string;
  /** `[epoch:]version-release` with the epoch only when not 0, as dnf prints it. */
  evr: string;
  arch: string;
}

/**
 * Splits `name-[epoch:]version-release.arch` (advisory lists, install progress): the arch
 * after the last dot, then release and version before the last two dashes. Null when the
 * parts break RPM's rules.
 */
export function parseNevra(text: string): Nevra | null {
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return null;
  const arch = text.slice(dot + 1);
  const nevr = text.slice(0, dot);
  const releaseDash = nevr.lastIndexOf('-');
  const versionDash = releaseDash <= 0 ? -1 : nevr.lastIndexOf('-', releaseDash - 1);
  if (versionDash <= 0) return null;
  const name = nevr.slice(0, versionDash);
  const evrText = nevr.slice(versionDash + 1);
  if (!isPackageName(name) || !isArch(arch) || !isFullEvr(evrText)) return null;
  return { name, evr: normalizeEvr(evrText), arch };
}
