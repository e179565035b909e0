import { type InfoName, infoName } from './enums.js';
import { type PackageId, parsePackageId } from './package-id.js';

/**
 * The bodies of PackageKit's signals, checked field by field: dbus-native hands over whatever
 * the daemon sent, so a body of the wrong shape is reported, never trusted.
 * Shapes from org.freedesktop.PackageKit.Transaction.xml (PackageKit 1.2.6).
 */
export interface PackageSignal {
  /** The low 16 bits of `info`: what the package is or what happens to it. */
  info: InfoName;
  /**
   * The high 16 bits of `info` (PackageKit ≥ 1.2.4 packs an update's severity there as another
   * PkInfoEnum value: low, normal, important, critical…); `unknown` when 0 (older daemons,
   * backends that do not know).
   */
  severity: InfoName;
  pkg: PackageId;
  summary: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `info` as one u32: low 16 bits PkInfoEnum, high 16 bits the update severity. */
export function splitInfo(info: number): { info: InfoName; severity: InfoName } {
  return { info: infoName(info & 0xffff), severity: infoName(Math.floor(info / 0x10000) & 0xffff) };
}

/** `Package(u info, s package_id, s summary)`, or one `(uss)` element of `Packages`. */
export function parsePackageTuple(tuple: unknown): Parsed<PackageSignal> {
  if (!Array.isArray(tuple) || tuple.length !== 3)
    return {
      ok: false,
      problem: `a package entry is not (u info, s package_id, s summary): ${preview(tuple)}`,
    };
  const [info, id, summary] = tuple as unknown[];
  if (!isU32(info)) return { ok: false, problem: `a package entry has no numeric info: ${preview(tuple)}` };
  const pkg = parsePackageId(id);
  if (!pkg) return { ok: false, problem: `unreadable package id ${preview(id)}` };
  return {
    ok: true,
    value: { ...splitInfo(info), pkg, summary: typeof summary === 'string' ? summary : '' },
  };
}

/** `Packages(a(uss) packages)`: every readable entry, and a problem for each unreadable one. */
export function parsePackagesBody(body: unknown[]): { packages: PackageSignal[]; problems: string[] } {
  const [list] = body;
  if (!Array.isArray(list))
    return { packages: [], problems: [`a Packages signal without a list: ${preview(body)}`] };
  const packages: PackageSignal[] = [];
  const problems: string[] = [];
  for (const entry of list) {
    const parsed = parsePackageTuple(entry);
    if (parsed.ok) packages.push(parsed.value);
    else problems.push(parsed.problem);
  }
  return { packages, problems };
}

export interface ErrorCodeSignal {
  code: number;
  details: string;
}

export function parseErrorCode(body: unknown[]): Parsed<ErrorCodeSignal> {
  const [code, details] = body;
  if (!isU32(code)) return { ok: false, problem: `an ErrorCode signal without a code: ${preview(body)}` };
  return { ok: true, value: { code, details: typeof details === 'string' ? details : '' } };
}

export function parseFinished(body: unknown[]): Parsed<{ exit: number; runtimeMs: number }> {
  const [exit, runtime] = body;
  if (!isU32(exit)) return { ok: false, problem: `a Finished signal without an exit code: ${preview(body)}` };
  return { ok: true, value: { exit, runtimeMs: isU32(runtime) ? runtime : 0 } };
}

export function parseRequireRestart(body: unknown[]): Parsed<{ type: number; packageId: string }> {
  const [type, id] = body;
  if (!isU32(type)) return { ok: false, problem: `a RequireRestart signal without a type: ${preview(body)}` };
  return { ok: true, value: { type, packageId: typeof id === 'string' ? id : '' } };
}

export function parseItemProgress(body: unknown[]): Parsed<{ id: string; status: number; percent: number }> {
  const [id, status, percent] = body;
  if (typeof id !== 'string' || !isU32(status) || !isU32(percent))
    return { ok: false, problem: `an ItemProgress signal of the wrong shape: ${preview(body)}` };
  return { ok: true, value: { id, status, percent } };
}

/**
 * `PropertiesChanged(s interface, a{sv} changed, as invalidated)`: the u32 properties changed
 * (Percentage, Status). dbus-native gives a variant as `[signature, [value]]`.
 */
export function parseChangedNumbers(body: unknown[]): Map<string, number> {
  const numbers = new Map<string, number>();
  const [, changed] = body;
  if (!Array.isArray(changed)) return numbers;
  for (const entry of changed) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
    const variant: unknown = entry[1];
    const value: unknown = Array.isArray(variant) && Array.isArray(variant[1]) ? variant[1][0] : undefined;
    if (isU32(value)) numbers.set(entry[0], value);
  }
  return numbers;
}

function isU32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
