import type {
  DetectResult,
  InstallResult,
  PluginCommandResult,
  RebootStatus,
  ScanResult,
} from './package-manager.js';
import {
  containerInventoryItemSchema,
  MAX_INVENTORY_CONTAINERS,
  scanPackageSchema,
  type Transaction,
} from '../../broker/protocol/index.js';
import { compileChecker } from './schema-validation.js';
import type { PluginKind } from './manifest.js';

/**
 * The host's checks on what a plugin returns. A result of the wrong shape is a plugin bug;
 * one bad record inside a scan is dropped and reported, the rest still count.
 */
const checkRecord = compileChecker(scanPackageSchema);
const checkContainer = compileChecker(containerInventoryItemSchema);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Why `value` is not a well-formed result, or null when it is. */
export type ShapeCheck = (value: unknown) => string | null;

export const checkDetect: ShapeCheck = (v) =>
  isObject(v) && typeof (v as Partial<DetectResult>).available === 'boolean'
    ? null
    : 'expected { available: boolean }';

export const checkScanShape: ShapeCheck = (v) =>
  isObject(v) && Array.isArray(v.packages) && typeof v.complete === 'boolean' && isStringArray(v.warnings)
    ? null
    : 'expected { packages: [], complete: boolean, warnings: string[] }';

export const checkTransaction: ShapeCheck = (v) => {
  const t = v as Partial<Transaction>;
  return isObject(v) &&
    Array.isArray(t.upgrades) &&
    Array.isArray(t.newPackages) &&
    Array.isArray(t.removals) &&
    isStringArray(t.warnings)
    ? null
    : 'expected { upgrades: [], newPackages: [], removals: [], warnings: string[] }';
};

export const checkReboot: ShapeCheck = (v) => {
  const r = v as Partial<RebootStatus>;
  return isObject(v) &&
    typeof r.required === 'boolean' &&
    isStringArray(r.packages) &&
    isStringArray(r.reasons)
    ? null
    : 'expected { required: boolean, packages: string[], reasons: string[] }';
};

export const checkInstall: ShapeCheck = (v) => {
  const r = v as Partial<InstallResult>;
  return isObject(v) &&
    Array.isArray(r.changed) &&
    checkReboot(r.rebootRequired) === null &&
    isStringArray(r.warnings) &&
    (r.details === undefined || isObject(r.details))
    ? null
    : 'expected { changed: [], rebootRequired: { required, packages, reasons }, warnings: string[] }';
};

export const checkCommand: ShapeCheck = (v) => {
  const r = v as Partial<PluginCommandResult>;
  return isObject(v) && typeof r.message === 'string' && isObject(r.data)
    ? null
    : 'expected { message: string, data: {} }';
};

export const checkHolds: ShapeCheck = (v) => (isStringArray(v) ? null : 'expected an array of package names');

export const acceptAnything: ShapeCheck = () => null;

/**
 * Keeps the records that match DESIGN.md §4 and were reported under the plugin's own name;
 * each dropped record becomes a warning and makes the scan incomplete.
 */
export function filterScanRecords(
  plugin: string,
  scan: ScanResult,
): { result: ScanResult; dropped: string[] } {
  const dropped: string[] = [];
  const packages = scan.packages.filter((record, index) => {
    const problems = checkRecord(record);
    const owner = isObject(record) ? record.plugin : undefined;
    if (problems.length === 0 && owner === plugin) return true;
    const name = isObject(record) && typeof record.name === 'string' ? record.name : `#${index}`;
    dropped.push(
      `record ${name} dropped: ${problems.length ? problems.join('; ') : `reported as plugin ${String(owner)}, not ${plugin}`}`,
    );
    return false;
  });
  const inventory = checkInventory(scan.containers);
  if (inventory.problem) dropped.push(inventory.problem);
  if (dropped.length === 0) return { result: scan, dropped };
  return {
    result: {
      packages,
      // Records dropped: the package list is not whole. A dropped inventory leaves the list whole.
      complete: scan.complete && packages.length === scan.packages.length,
      warnings: [...scan.warnings, ...dropped],
      ...(inventory.containers ? { containers: inventory.containers } : {}),
    },
    dropped,
  };
}

/**
 * The container inventory is all or nothing: the core replaces a host's containers with it, so
 * one malformed item (or too many) drops the whole inventory and the core keeps the last one.
 */
function checkInventory(containers: unknown): { containers?: ScanResult['containers']; problem?: string } {
  if (containers === undefined) return {};
  if (!Array.isArray(containers)) return { problem: 'container inventory dropped: expected an array' };
  if (containers.length > MAX_INVENTORY_CONTAINERS)
    return {
      problem: `container inventory dropped: ${containers.length} containers, at most ${MAX_INVENTORY_CONTAINERS}`,
    };
  for (const [index, item] of containers.entries()) {
    const problems = checkContainer(item);
    if (problems.length)
      return { problem: `container inventory dropped: item #${index}: ${problems.join('; ')}` };
  }
  return { containers: containers as ScanResult['containers'] };
}

/** The methods each kind of plugin must have on the object its create() returns. */
const REQUIRED_METHODS: Record<PluginKind, readonly string[]> = {
  'package-manager': ['detect', 'scan', 'dryRun', 'install', 'rebootRequired', 'holds'],
  integration: ['start', 'stop'],
  notifier: ['notify'],
};

/** The check of what create() returned: an object with every method its kind needs. */
export function instanceCheck(kind: PluginKind): ShapeCheck {
  return (value) => {
    if (typeof value !== 'object' || value === null) return 'create() must return an object';
    const missing = REQUIRED_METHODS[kind].filter(
      (m) => typeof (value as Record<string, unknown>)[m] !== 'function',
    );
    return missing.length ? `create() returned an object without ${missing.join(', ')}` : null;
  };
}
