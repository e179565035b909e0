import { type PackageRef, PluginError } from '../sdk/index.js';

// snapd's rules (snap/naming): a name is 2–40 of [a-z0-9-] with a letter, no leading, trailing
// or double hyphen, optionally `_instance`; a version is 1–32 of [A-Za-z0-9:.+~-], starting and
// ending with a letter or digit (or + ~). Names from requests are untrusted: besides being
// separate arguments after `--`, none can look like an option.
const NAME = /^(?=[a-z0-9-]{2,40}(?:_|$))(?=[^_]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*(?:_[a-z0-9]{1,10})?$/;
const VERSION = /^[A-Za-z0-9](?:[A-Za-z0-9:.+~-]{0,30}[A-Za-z0-9+~])?$/;
const REVISION = /^x?\d{1,12}$/;
const CHANNEL = /^(?:-|[a-z0-9][a-z0-9._/-]{0,127})$/;
// A store account name with snap's verification marks (`*`, or `✓`/`✪` with unicode), or `-`.
const PUBLISHER = /^(?:-|[a-z0-9][a-z0-9-]{0,63}[*\u2713\u272a]{0,2})$/;
const SIZE = /^\d+(?:\.\d+)?[kMGTPE]?B$/;
const NOTES = /^(?:-|[a-z][a-z-]*(?:,[a-z][a-z-]*)*)$/;

export const isSnapName = (value: string): boolean => NAME.test(value);
export const isSnapVersion = (value: string): boolean => VERSION.test(value);
export const isRevision = (value: string): boolean => REVISION.test(value);
export const isChannel = (value: string): boolean => CHANNEL.test(value);
export const isPublisher = (value: string): boolean => PUBLISHER.test(value);
export const isSize = (value: string): boolean => SIZE.test(value);
export const isNotes = (value: string): boolean => NOTES.test(value);

/** The snap names of a request, checked. */
export function snapNames(packages: readonly PackageRef[]): string[] {
  if (packages.length === 0) throw new PluginError('no packages were named', { code: 'invalid-request' });
  for (const ref of packages)
    if (!isSnapName(ref.name))
      throw new PluginError(`refused package ${JSON.stringify(ref)}: "${ref.name}" is not a snap name`, {
        code: 'invalid-request',
      });
  return [...new Set(packages.map((ref) => ref.name))];
}

/** The line as text safe to log: control characters escaped, length bounded. */
export function quote(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
