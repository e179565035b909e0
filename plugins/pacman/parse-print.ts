import { isPackageName, isRepository, isVersion, quote } from './package-names.js';

export interface PrintedPackage {
  name: string;
  version: string;
  repository: string;
}

export interface ParsedPrint {
  packages: PrintedPackage[];
  warnings: string[];
}

/** The `--print-format` every dry run asks for: one `name version repository` line per package. */
export const PRINT_FORMAT = '%n %v %r';

// Not packages: pacman's own notes that can reach stdout in print mode.
const CHATTER = /^(?:::|there is nothing to do$|resolving dependencies|looking for conflicting)/;

/** Parses `pacman -S[u]p --print-format '%n %v %r'`. Never throws; unreadable lines are reported. */
export function parsePrint(lines: readonly string[]): ParsedPrint {
  const packages: PrintedPackage[] = [];
  const warnings: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || CHATTER.test(line)) continue;
    const fields = line.split(' ');
    const [name = '', version = '', repository = ''] = fields;
    const problem =
      fields.length !== 3
        ? 'not name version repository'
        : !isPackageName(name)
          ? 'bad package name'
          : !isVersion(version)
            ? 'bad version'
            : !isRepository(repository)
              ? 'bad repository'
              : null;
    if (problem) warnings.push(`unreadable line in pacman --print-format output (${problem}): ${quote(raw)}`);
    else packages.push({ name, version, repository });
  }
  return { packages, warnings };
}
