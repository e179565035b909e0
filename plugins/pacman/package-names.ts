import { type PackageRef, PluginError } from '../sdk/index.js';

// makepkg's rules: a name is alphanumerics and `@._+-`, never starting with `-` or `.`;
// a version is `[epoch:]pkgver-pkgrel`, pkgver without colons, slashes, hyphens or spaces.
// Names from requests are untrusted: besides being separate arguments after `--`, none can
// look like an option.
const NAME = /^[A-Za-z0-9@_+][A-Za-z0-9@._+-]*$/;
const VERSION = /^(?:\d+:)?[A-Za-z0-9._+~@]+-\d+(?:\.\d+)?$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const isPackageName = (value: string): boolean => value.length <= 256 && NAME.test(value);
export const isVersion = (value: string): boolean => value.length <= 256 && VERSION.test(value);
export const isRepository = (value: string): boolean => value.length <= 128 && REPOSITORY.test(value);

/** The package names of a request, checked; pacman cannot pin a version, so versions are checked later. */
export function pacmanTargets(packages: readonly PackageRef[]): string[] {
  if (packages.length === 0) throw new PluginError('no packages were named', { code: 'invalid-request' });
  for (const ref of packages) {
    const problems = [
      !isPackageName(ref.name) && `"${ref.name}" is not a pacman package name`,
      ref.version !== undefined && !isVersion(ref.version) && `"${ref.version}" is not a pacman version`,
    ].filter(Boolean);
    if (problems.length)
      throw new PluginError(`refused package ${JSON.stringify(ref)}: ${problems.join(', ')}`, {
        code: 'invalid-request',
      });
  }
  return [...new Set(packages.map((ref) => ref.name))];
}

/** The line as text safe to log: control characters escaped, length bounded. */
export function quote(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
