import { PACKAGE_SEVERITIES, type Severity } from '../../broker/protocol/index.js';

/**
 * Severity: one scale for every source (DESIGN.md §4), most urgent first. `security` is kept
 * apart from it on every record: a security fix can be `low`, a bugfix can be `critical`.
 *
 * Each table below maps one source's own vocabulary onto the scale. The rules they share:
 * - a source's explicit rating wins, mapped level for level;
 * - a security fix with no rating is `high`: we know it fixes a vulnerability, not how bad;
 * - a fix we know is not a security fix but has no rating (bugfix, enhancement) is `low`;
 * - nothing known is `unknown`, never a guess.
 * docs/plugins.md shows these tables to users; keep the two in step.
 */
export const SEVERITIES = PACKAGE_SEVERITIES;
export type { Severity };

export interface SeverityRating {
  severity: Severity;
  security: boolean;
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Orders severities most urgent first; `unknown` sorts last. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** The most urgent of several ratings (a transaction is as urgent as its worst package). */
export function highestSeverity(severities: Iterable<Severity>): Severity {
  let highest: Severity = 'unknown';
  for (const s of severities) if (compareSeverity(s, highest) < 0) highest = s;
  return highest;
}

/**
 * APT (Debian, Ubuntu): no severity field at all. The archive a candidate comes from is all we
 * know: a suite ending in `-security` (`bookworm-security`, `jammy-security`) means a security
 * fix. Everything else (point releases, `-updates`, backports, third-party repositories) may or
 * may not be urgent, so it stays `unknown`. A configured outside feed (Debian security tracker
 * urgency, Ubuntu CVE priority, tables below) replaces `high` with its own rating.
 */
export const APT_ARCHIVE_SEVERITY = {
  security: { severity: 'high', security: true },
  other: { severity: 'unknown', security: false },
} as const satisfies Record<string, SeverityRating>;

export function severityFromAptArchive(fromSecurityArchive: boolean): SeverityRating {
  return { ...APT_ARCHIVE_SEVERITY[fromSecurityArchive ? 'security' : 'other'] };
}

/**
 * DNF/YUM `updateinfo` (RHEL, Fedora, Rocky, Alma): `dnf updateinfo list` labels such as
 * `Important/Sec.`; advisory types `bugfix`, `enhancement`, `newpackage` have no rating.
 */
export const DNF_UPDATEINFO_SEVERITY: Readonly<Record<string, SeverityRating>> = {
  'critical/sec.': { severity: 'critical', security: true },
  'important/sec.': { severity: 'high', security: true },
  'moderate/sec.': { severity: 'medium', security: true },
  'low/sec.': { severity: 'low', security: true },
  'unknown/sec.': { severity: 'high', security: true },
  'none/sec.': { severity: 'high', security: true },
  bugfix: { severity: 'low', security: false },
  enhancement: { severity: 'low', security: false },
  newpackage: { severity: 'low', security: false },
};

/** PackageKit's `PkInfoEnum` as reported for updates (`pkcon get-updates`, D-Bus `Package` signal). */
export const PACKAGEKIT_INFO_SEVERITY: Readonly<Record<string, SeverityRating>> = {
  critical: { severity: 'critical', security: false },
  security: { severity: 'high', security: true },
  important: { severity: 'high', security: false },
  normal: { severity: 'unknown', security: false },
  bugfix: { severity: 'low', security: false },
  enhancement: { severity: 'low', security: false },
  low: { severity: 'low', security: false },
  unknown: { severity: 'unknown', security: false },
};

/** Debian security tracker urgency (an outside feed for APT; every entry is a security fix). */
export const DEBIAN_URGENCY_SEVERITY: Readonly<Record<string, SeverityRating>> = {
  high: { severity: 'high', security: true },
  medium: { severity: 'medium', security: true },
  low: { severity: 'low', security: true },
  unimportant: { severity: 'low', security: true },
  'not yet assigned': { severity: 'high', security: true },
};

/** Ubuntu CVE tracker priority (an outside feed for APT on Ubuntu). */
export const UBUNTU_PRIORITY_SEVERITY: Readonly<Record<string, SeverityRating>> = {
  critical: { severity: 'critical', security: true },
  high: { severity: 'high', security: true },
  medium: { severity: 'medium', security: true },
  low: { severity: 'low', security: true },
  negligible: { severity: 'low', security: true },
  untriaged: { severity: 'high', security: true },
};

/** Arch Linux security advisories (ASA) for pacman. */
export const ARCH_ASA_SEVERITY: Readonly<Record<string, SeverityRating>> = {
  critical: { severity: 'critical', security: true },
  high: { severity: 'high', security: true },
  medium: { severity: 'medium', security: true },
  low: { severity: 'low', security: true },
  unknown: { severity: 'high', security: true },
};

/** Microsoft Security Response Center ratings (Windows Update, winget security updates). */
export const MSRC_SEVERITY: Readonly<Record<string, SeverityRating>> = {
  critical: { severity: 'critical', security: true },
  important: { severity: 'high', security: true },
  moderate: { severity: 'medium', security: true },
  low: { severity: 'low', security: true },
};

/**
 * Looks a source's label up in one of the tables above, ignoring case and surrounding space.
 * An unmapped label is `unknown` and not a security fix: a new label must be added on purpose.
 */
export function severityFrom(table: Readonly<Record<string, SeverityRating>>, label: string): SeverityRating {
  const rating = table[label.trim().toLowerCase()];
  return rating ? { ...rating } : { severity: 'unknown', security: false };
}
