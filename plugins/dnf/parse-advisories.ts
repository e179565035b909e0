import { errorMessage } from '../sdk/index.js';
import { type Nevra, parseNevra } from './package-names.js';
import { isChatter, quote } from './parse-lines.js';

/** One advisory as it applies to one package (an advisory covering three packages is three of these). */
export interface Advisory {
  id: string;
  /** The label DNF_UPDATEINFO_SEVERITY maps: `Important/Sec.`, `bugfix`, `enhancement`… */
  label: string;
  package: Nevra;
}

export interface ParsedAdvisories {
  advisories: Advisory[];
  warnings: string[];
}

const ADVISORY_ID = /^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}$/;
// dnf4 and yum print `<type>` or `<Severity>/Sec.`; unrated security advisories are `Unknown/Sec.`.
const LABEL = /^(?:[A-Z][a-z]+\/Sec\.|[a-z]+)$/;

/**
 * Reads `dnf updateinfo list` / `yum updateinfo list` (LC_ALL=C, labels are translated
 * otherwise): `ID  Label  name-[epoch:]version-release.arch`, and with `-v` a date after it.
 * Never throws; an unreadable line is reported.
 */
export function parseUpdateinfoList(lines: readonly string[]): ParsedAdvisories {
  const advisories: Advisory[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || isChatter(raw) || /^updateinfo list done$/.test(line)) continue;
    const [id = '', label = '', nevraText = '', ...rest] = line.split(/\s+/);
    const nevra = parseNevra(nevraText);
    const problem = lineProblem(id, label, nevra, rest.join(' '));
    if (problem || !nevra) warnings.push(`unreadable line in updateinfo list (${problem}): ${quote(raw)}`);
    else advisories.push({ id, label, package: nevra });
  }
  return { advisories, warnings };
}

function lineProblem(id: string, label: string, nevra: Nevra | null, date: string): string | null {
  if (!ADVISORY_ID.test(id)) return 'bad advisory id';
  if (!LABEL.test(label)) return 'bad type or severity';
  if (!nevra) return 'bad package';
  // `updateinfo list -v` adds the issue date; nothing else may follow.
  if (date && !/^\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d)?$/.test(date)) return 'unexpected text after the package';
  return null;
}

/**
 * Reads dnf5's `advisory list --json`: an array of `{ name, type, severity, nevra, buildtime }`.
 * The label is built the way dnf4 prints it (`Important/Sec.`, `bugfix`) so one table maps
 * both. Never throws; an unreadable entry is reported, the others still count.
 */
export function parseAdvisoryJson(text: string): ParsedAdvisories {
  const advisories: Advisory[] = [];
  const warnings: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() || '[]');
  } catch (error) {
    return { advisories, warnings: [`advisory list --json is not JSON: ${errorMessage(error)}`] };
  }
  if (!Array.isArray(parsed)) return { advisories, warnings: ['advisory list --json is not an array'] };
  for (const entry of parsed as unknown[]) {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const { name: id, type, severity, nevra: nevraText } = item;
    const nevra = typeof nevraText === 'string' ? parseNevra(nevraText) : null;
    const label =
      type === 'security'
        ? `${typeof severity === 'string' && /^[A-Za-z]+$/.test(severity) ? capitalise(severity) : 'Unknown'}/Sec.`
        : type;
    if (
      typeof id !== 'string' ||
      !ADVISORY_ID.test(id) ||
      typeof label !== 'string' ||
      !LABEL.test(label) ||
      !nevra
    )
      warnings.push(`unreadable entry in advisory list --json: ${quote(JSON.stringify(entry) ?? '')}`);
    else advisories.push({ id, label, package: nevra });
  }
  return { advisories, warnings };
}

const capitalise = (word: string) => `${word.slice(0, 1).toUpperCase()}${word.slice(1).toLowerCase()}`;
