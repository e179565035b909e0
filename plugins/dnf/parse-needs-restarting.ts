import { isPackageName } from './package-names.js';

export interface NeedsRestarting {
  /** The tool said a reboot is required (its own words, not only its exit code). */
  required: boolean;
  /** It said the opposite. Neither: the output was not needs-restarting's. */
  notRequired: boolean;
  /** The core packages it names. */
  packages: string[];
}

/**
 * Reads `needs-restarting -r` (dnf-plugins-core, dnf5's plugin, yum-utils: one text). Exit 1
 * alone is not enough: dnf also exits 1 for any error, so the words are checked too.
 */
export function parseNeedsRestarting(lines: readonly string[]): NeedsRestarting {
  const status: NeedsRestarting = { required: false, notRequired: false, packages: [] };
  for (const raw of lines) {
    const line = raw.trim();
    if (/^Reboot is required\b/.test(line)) status.required = true;
    else if (/^Reboot should not be necessary\.?$/.test(line)) status.notRequired = true;
    // dnf: `  * kernel`; yum-utils: `  kernel -> 3.10.0-1160.119.1.el7`.
    const item = /^\* (\S+)$/.exec(line) ?? /^(\S+) -> \S+$/.exec(line);
    if (item && isPackageName(item[1] ?? '') && !status.packages.includes(item[1] ?? ''))
      status.packages.push(item[1] ?? '');
  }
  return status;
}
