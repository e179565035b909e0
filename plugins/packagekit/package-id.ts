/**
 * A PackageKit package id, `name;version;arch;data` (Transaction.xml, Package signal): `data`
 * is the repository for an available package, `installed` or `installed:REPO` for an installed
 * one, `local` for a file.
 */
export interface PackageId {
  id: string;
  name: string;
  version: string;
  arch: string;
  data: string;
}

/** Null when the text is not a package id (four fields, a name and a version). */
export function parsePackageId(id: unknown): PackageId | null {
  if (typeof id !== 'string' || id.length > 4096) return null;
  const fields = id.split(';');
  if (fields.length !== 4) return null;
  const [name = '', version = '', arch = '', data = ''] = fields;
  if (!/^[A-Za-z0-9][A-Za-z0-9+._:@-]*$/.test(name) || version === '' || /\s/.test(version)) return null;
  return { id, name, version, arch, data };
}

/**
 * Where a package comes from: the repository in `data`, without the installed-state prefix
 * (`installed:`, and the apt backend's `manual:`, `auto:`, `+auto:` for a package it would
 * install as a dependency).
 */
export function sourceOf(pkg: PackageId): string {
  return pkg.data.replace(/^\+?(installed|auto|manual)(:|$)/, '');
}
