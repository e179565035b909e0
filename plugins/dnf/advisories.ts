import {
  compareSeverity,
  DNF_UPDATEINFO_SEVERITY,
  highestSeverity,
  type OperationContext,
  type PluginContext,
  type Severity,
  severityFrom,
  succeeded,
} from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import { describeDnfFailure, runDnf } from './dnf-runner.js';
import { type Advisory, parseAdvisoryJson, parseUpdateinfoList } from './parse-advisories.js';
import { compareEvr } from './rpm-version.js';
import type { DnfTool } from './tool.js';

export interface AdvisoryReading {
  advisories: Advisory[];
  /** Unreadable lines, or why no advisories could be read: severities then stay `unknown`. */
  warnings: string[];
}

/**
 * The advisories (updateinfo) that cover newer versions of installed packages: `updateinfo
 * list` for dnf4 and yum, `advisory list --json` for dnf5. Never throws: severity is extra
 * knowledge, a scan or dry run goes on without it.
 */
export async function readAdvisories(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  tool: DnfTool,
): Promise<AdvisoryReading> {
  const args = tool.kind === 'dnf5' ? ['-q', 'advisory', 'list', '--json'] : ['-q', 'updateinfo', 'list'];
  const result = await runDnf(ctx, op, tool, { args, timeoutSeconds: ctx.config.commandTimeoutSeconds });
  if (!succeeded(result))
    return {
      advisories: [],
      warnings: [`advisories unknown, so severities are unknown: ${describeDnfFailure(result)}`],
    };
  return tool.kind === 'dnf5'
    ? parseAdvisoryJson(result.stdout.join('\n'))
    : parseUpdateinfoList(result.stdout);
}

export interface UpdateRating {
  severity: Severity;
  security: boolean;
  /** The advisories behind the rating, most urgent first. */
  advisories: string[];
}

/**
 * How urgent an update from `fromEvr` to `toEvr` is: the most urgent advisory for a version in
 * between (an update skipping three releases fixes what all three fixed), mapped with the one
 * DNF table (plugins/sdk/severity.ts). No advisory: `unknown`, not a security fix.
 */
export function rateUpdate(
  advisories: readonly Advisory[],
  update: { name: string; arch?: string; fromEvr?: string; toEvr: string },
): UpdateRating {
  const covering = advisories.filter(
    (a) =>
      a.package.name === update.name &&
      (!update.arch ||
        a.package.arch === update.arch ||
        a.package.arch === 'noarch' ||
        update.arch === 'noarch') &&
      compareEvr(a.package.evr, update.toEvr) <= 0 &&
      (!update.fromEvr || compareEvr(a.package.evr, update.fromEvr) > 0),
  );
  const rated = covering
    .map((a) => ({ id: a.id, ...severityFrom(DNF_UPDATEINFO_SEVERITY, a.label) }))
    .sort((x, y) => compareSeverity(x.severity, y.severity));
  return {
    severity: highestSeverity(rated.map((r) => r.severity)),
    security: rated.some((r) => r.security),
    advisories: [...new Set(rated.map((r) => r.id))],
  };
}
