import { isChatter, quote } from './parse-lines.js';
import { type Candidate, candidateProblem, type ParsedCandidates } from './parse-repoquery.js';
import { normalizeEvr } from './rpm-version.js';

// `name.arch   [epoch:]version-release   repo` (fixtures README: dnf check-update).
const ROW = /^(\S+)\.([^.\s]+)\s+(\S+)\s+(\S+)$/;
// A name too long for its column is printed alone, the rest of the row on the next line.
const NAME_ONLY = /^(\S+)\.([^.\s]+)$/;

/**
 * Reads `check-update` / `check-upgrade` (yum on EL7 has no repoquery of its own). Exit 100
 * means updates, 0 none. Everything before the first blank line is metadata chatter, and the
 * "Obsoleting Packages" section lists replacements of installed packages, not updates: both
 * are skipped. Never throws; an unreadable row is reported.
 */
export function parseCheckUpdate(lines: readonly string[]): ParsedCandidates {
  const candidates: Candidate[] = [];
  const warnings: string[] = [];
  let inTable = false;
  let pendingName: { name: string; arch: string; raw: string } | null = null;
  const report = (problem: string, raw: string) =>
    warnings.push(`unreadable line in check-update (${problem}): ${quote(raw)}`);

  for (const raw of lines) {
    const line = raw.trim();
    if (!inTable) {
      // dnf -q prints only the blank line; yum and dnf print chatter before it.
      if (line === '') inTable = true;
      continue;
    }
    if (line === '' || isChatter(raw)) continue;
    if (/^Obsoleting Packages$/.test(line)) break;
    if (/^Security: /.test(line)) continue; // yum: "Security: kernel-… is an installed security update"
    if (pendingName) {
      const rest = /^(\S+)\s+(\S+)$/.exec(line);
      const { name, arch, raw: first } = pendingName;
      pendingName = null;
      if (rest && /^\s/.test(raw)) {
        add({ name, arch, evr: normalizeEvr(rest[1] ?? ''), repo: rest[2] ?? '' }, `${first}${raw}`);
        continue;
      }
      report('a name without its version', first);
    }
    const row = ROW.exec(line);
    if (row) {
      const [, name = '', arch = '', evr = '', repo = ''] = row;
      add({ name, arch, evr: normalizeEvr(evr), repo }, raw);
      continue;
    }
    const nameOnly = NAME_ONLY.exec(line);
    if (nameOnly && !/^\s/.test(raw)) pendingName = { name: nameOnly[1] ?? '', arch: nameOnly[2] ?? '', raw };
    else report('not name.arch version repository', raw);
  }
  if (pendingName) report('a name without its version', pendingName.raw);
  return { candidates, warnings };

  function add(candidate: Candidate, raw: string): void {
    const problem = candidateProblem(candidate);
    if (problem) report(problem, raw);
    else candidates.push(candidate);
  }
}
