import { type PackageRef, PluginError } from '../sdk/index.js';

/** A flatpak ref: `app/org.mozilla.firefox/x86_64/stable`; `flatpak list` leaves out the kind. */
export interface FlatpakRef {
  kind?: 'app' | 'runtime';
  id: string;
  arch: string;
  branch: string;
}

// flatpak's own rules: an ID has at least three dot-separated elements of [A-Za-z0-9_-], none
// starting with a digit or `-`; branches and arches are short ASCII words. Refs from requests
// are untrusted: besides being separate arguments after `--`, none can look like an option.
const ID = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*){2,}$/;
const ARCH = /^[a-z0-9_]+$/;
const BRANCH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const COMMIT = /^[0-9a-f]{12,64}$/;
const REMOTE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const isFlatpakId = (value: string): boolean => value.length <= 255 && ID.test(value);
export const isArch = (value: string): boolean => value.length <= 32 && ARCH.test(value);
export const isBranch = (value: string): boolean => value.length <= 128 && BRANCH.test(value);
export const isCommit = (value: string): boolean => COMMIT.test(value);
export const isRemote = (value: string): boolean => value.length <= 128 && REMOTE.test(value);
/** appdata versions are free text: printable ASCII without tabs, bounded. */
export const isVersionText = (value: string): boolean =>
  value.length <= 128 && /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value);

/** `[kind/]id/arch/branch`, checked; null when it is not one. */
export function parseRef(text: string): FlatpakRef | null {
  const parts = text.split('/');
  const kind = parts.length === 4 ? parts.shift() : undefined;
  if (parts.length !== 3 || (kind !== undefined && kind !== 'app' && kind !== 'runtime')) return null;
  const [id = '', arch = '', branch = ''] = parts;
  if (!isFlatpakId(id) || !isArch(arch) || !isBranch(branch)) return null;
  return { ...(kind ? { kind } : {}), id, arch, branch };
}

/** The key of an installed ref whatever its kind: `id/arch/branch`. */
export const refKey = (ref: FlatpakRef): string => `${ref.id}/${ref.arch}/${ref.branch}`;

/**
 * A scan record's name: `id//branch`, flatpak's own short form. The branch is part of the name
 * because one ID can be installed in several branches (runtimes 23.08 and 24.08) at once.
 */
export const packageName = (ref: Pick<FlatpakRef, 'id' | 'branch'>): string => `${ref.id}//${ref.branch}`;

export function splitPackageName(name: string): { id: string; branch: string } | null {
  const [id = '', branch = '', extra] = name.split('//');
  return extra === undefined && isFlatpakId(id) && isBranch(branch) ? { id, branch } : null;
}

/** The refs of a request for flatpak: `id/arch/branch`, or `id//branch` without an arch. */
export function requestRefs(packages: readonly PackageRef[]): FlatpakRef[] {
  if (packages.length === 0) throw new PluginError('no packages were named', { code: 'invalid-request' });
  return packages.map((pkg) => {
    const split = splitPackageName(pkg.name);
    const problems = [
      !split && `"${pkg.name}" is not a flatpak name (ID//BRANCH)`,
      pkg.arch !== undefined && !isArch(pkg.arch) && `"${pkg.arch}" is not an architecture`,
    ].filter(Boolean);
    if (!split || problems.length)
      throw new PluginError(`refused package ${JSON.stringify(pkg)}: ${problems.join(', ')}`, {
        code: 'invalid-request',
      });
    return { ...split, arch: pkg.arch ?? '' };
  });
}

/** A ref as flatpak takes it on the command line. */
export const refArgument = (ref: FlatpakRef): string => `${ref.id}/${ref.arch}/${ref.branch}`;

/** The line as text safe to log: control characters escaped, length bounded. */
export function quote(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
