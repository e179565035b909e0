import {
  errorMessage,
  type OperationContext,
  type PluginContext,
  type ScanPackage,
  type ScanResult,
} from '../sdk/index.js';
import { rateUpdate, readAdvisories } from './advisories.js';
import type { DnfConfig } from './config.js';
import { requireTool } from './detect.js';
import { listHolds } from './holds.js';
import { findInstalled, type InstalledSet, readInstalled } from './installed.js';
import { listUpdates } from './list-updates.js';
import type { Advisory } from './parse-advisories.js';
import type { Candidate } from './parse-repoquery.js';
import type { DnfTool } from './tool.js';

// needs-restarting's own list (dnf-plugins-core needs_restarting.py NEED_REBOOT): updating one
// of these makes `needs-restarting -r` ask for a reboot, so the scan can say so in advance.
const REBOOT_PACKAGES = new Set([
  'kernel',
  'kernel-rt',
  'glibc',
  'linux-firmware',
  'systemd',
  'dbus',
  'dbus-broker',
  'dbus-daemon',
]);

/**
 * Pending updates: the candidates (held ones included, marked), their installed versions from
 * the rpm database, and severity and `security` from the repositories' advisories.
 */
export async function scanDnf(ctx: PluginContext<DnfConfig>, op: OperationContext): Promise<ScanResult> {
  const tool = await requireTool(ctx);
  const listing = await listUpdates(ctx, op, tool);
  const warnings = [...listing.warnings];
  const installed = await readInstalled(ctx, op);
  const advisories = await readAdvisories(ctx, op, tool);
  warnings.push(...advisories.warnings);
  let holds: string[] = [];
  try {
    holds = await listHolds(ctx, op, tool);
  } catch (error) {
    warnings.push(`held packages unknown: ${errorMessage(error)}`);
  }
  const packages = listing.candidates.map((c) => toRecord(tool, c, installed, advisories.advisories, holds));
  for (const record of packages)
    if (!record.currentVersion)
      warnings.push(`${record.name}.${record.arch ?? ''} has an update but is not in the rpm database`);
  for (const warning of warnings) ctx.logger.warn(warning);
  ctx.logger.info(`${packages.length} update(s) pending`);
  // A line we could not read may be a pending update we did not report; the core must not take
  // its absence as "installed" (DESIGN.md §3.5). Advisories only rate updates: not counted.
  return { packages, complete: listing.complete, warnings };
}

function toRecord(
  tool: DnfTool,
  candidate: Candidate,
  installed: InstalledSet,
  advisories: readonly Advisory[],
  holds: readonly string[],
): ScanPackage {
  const current = findInstalled(installed, candidate.name, candidate.arch);
  const rating = rateUpdate(advisories, {
    name: candidate.name,
    arch: candidate.arch,
    ...(current ? { fromEvr: current.evr } : {}),
    toEvr: candidate.evr,
  });
  return {
    plugin: 'dnf',
    name: candidate.name,
    arch: candidate.arch,
    currentVersion: current?.evr ?? '',
    availableVersion: candidate.evr,
    severity: rating.severity,
    source: candidate.repo,
    security: rating.security,
    ...(REBOOT_PACKAGES.has(candidate.name) ? { rebootRequired: true } : {}),
    metadata: { advisories: rating.advisories, held: holds.includes(candidate.name), tool: tool.kind },
  };
}
