import { PACKAGEKIT_INFO_SEVERITY, type SeverityRating, severityFrom } from '../sdk/index.js';
import type { PackageSignal } from './parse-signals.js';

/**
 * An update's rating through the one PackageKit table (plugins/sdk/severity.ts,
 * docs/plugins.md): the severity in the high 16 bits of `info` when the daemon sent one
 * (PackageKit ≥ 1.2.4), else the update kind in the low 16 bits. `security` comes from the
 * kind alone: a security update rated `low` is still a security fix.
 */
export function rateUpdate(pkg: PackageSignal): SeverityRating {
  const security = pkg.info === 'security';
  const label = pkg.severity !== 'unknown' ? pkg.severity : pkg.info;
  return { severity: severityFrom(PACKAGEKIT_INFO_SEVERITY, label).severity, security };
}
