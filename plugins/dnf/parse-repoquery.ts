import { isArch, isFullEvr, isPackageName, isRepoId } from './package-names.js';
import { isChatter, quote } from './parse-lines.js';
import { formatEvr } from './rpm-version.js';

/** An update candidate: the newest available version of an installed package. */
export interface Candidate {
  name: string;
  arch: string;
  /** `[epoch:]version-release`, the epoch only when not 0. */
  evr: string;
  repo: string;
}

export interface ParsedCandidates {
  candidates: Candidate[];
  /** One per line that is neither a candidate nor known chatter, with the line. */
  warnings: string[];
}

/**
 * The query format of `repoquery --upgrades` (fixtures README): fields that cannot hold a `|`.
 * dnf5 no longer ends each record with a newline, so it gets `\n` appended (dnf4 would print
 * a blank line after each record for it).
 */
export const REPOQUERY_FORMAT = '%{name}|%{epoch}|%{version}|%{release}|%{arch}|%{repoid}';

/** Reads repoquery's output in REPOQUERY_FORMAT. Never throws; an unreadable line is reported. */
export function parseRepoquery(lines: readonly string[]): ParsedCandidates {
  const candidates: Candidate[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || isChatter(raw)) continue;
    const fields = line.split('|');
    const [name = '', epoch = '', version = '', release = '', arch = '', repo = ''] = fields;
    const candidate = { name, arch, evr: formatEvr(epoch, version, release), repo };
    const problem =
      fields.length !== 6
        ? 'not name|epoch|version|release|arch|repo'
        : (epochProblem(epoch) ?? candidateProblem(candidate));
    if (problem) warnings.push(`unreadable line in dnf repoquery (${problem}): ${quote(raw)}`);
    else candidates.push(candidate);
  }
  return { candidates, warnings };
}

const epochProblem = (epoch: string) => (/^\d{1,10}$/.test(epoch) ? null : 'bad epoch');

/** What is wrong with a candidate read from dnf's output, or null: every field obeys RPM's rules. */
export function candidateProblem(candidate: Candidate): string | null {
  if (!isPackageName(candidate.name)) return 'bad package name';
  if (!isArch(candidate.arch)) return 'bad architecture';
  if (!isFullEvr(candidate.evr)) return 'bad version';
  if (!isRepoId(candidate.repo)) return 'bad repository';
  return null;
}
