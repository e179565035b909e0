import { PluginError, type PackageRef } from '../sdk/index.js';

// Debian policy §5.6.1/§5.6.12. Package names come from requests (untrusted): besides being
// passed as separate arguments, a name can never start with `-`, so apt cannot read it as an option.
const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+~:-]*$/;

export const isPackageName = (value: string): boolean => NAME.test(value);
export const isArch = (value: string): boolean => ARCH.test(value);
export const isVersion = (value: string): boolean => VERSION.test(value);

/** `name`, `name:arch`, `name=version`, `name:arch=version` for apt-get; refuses anything else. */
export function aptPackageArguments(packages: readonly PackageRef[]): string[] {
  if (packages.length === 0) throw new PluginError('no packages were named', { code: 'invalid-request' });
  return packages.map((ref) => {
    const problems = [
      !isPackageName(ref.name) && `"${ref.name}" is not a Debian package name`,
      ref.arch !== undefined && !isArch(ref.arch) && `"${ref.arch}" is not an architecture`,
      ref.version !== undefined && !isVersion(ref.version) && `"${ref.version}" is not a Debian version`,
    ].filter(Boolean);
    if (problems.length)
      throw new PluginError(`refused package ${JSON.stringify(ref)}: ${problems.join(', ')}`, {
        code: 'invalid-request',
      });
    // Architecture `all` packages are named without one: apt resolves `name:all` poorly.
    const arch = ref.arch && ref.arch !== 'all' ? `:${ref.arch}` : '';
    return `${ref.name}${arch}${ref.version ? `=${ref.version}` : ''}`;
  });
}

/** The name apt and dpkg print for a package: `name` or `name:arch`. */
export function splitArchQualifier(qualified: string): { name: string; arch?: string } {
  const colon = qualified.indexOf(':');
  return colon === -1
    ? { name: qualified }
    : { name: qualified.slice(0, colon), arch: qualified.slice(colon + 1) };
}
