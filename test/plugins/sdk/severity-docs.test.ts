import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FLATPAK_SEVERITY } from '../../../plugins/flatpak/severity.js';
import { PACMAN_SEVERITY } from '../../../plugins/pacman/severity.js';
import { SNAP_SEVERITY } from '../../../plugins/snap/severity.js';
import {
  APT_ARCHIVE_SEVERITY,
  ARCH_ASA_SEVERITY,
  DEBIAN_URGENCY_SEVERITY,
  DNF_UPDATEINFO_SEVERITY,
  MSRC_SEVERITY,
  PACKAGEKIT_INFO_SEVERITY,
  type SeverityRating,
  UBUNTU_PRIORITY_SEVERITY,
} from '../../../plugins/sdk/index.js';

/**
 * Issue 7 §8: one documented mapping from each source. The tables users read in
 * docs/plugins.md must say what the code's tables do: every label the code maps appears in its
 * source's row with the same severity.
 */
const docs = readFileSync(new URL('../../../docs/plugins.md', import.meta.url), 'utf8');

/** The `| source | mapping |` row whose first cell starts with `source`. */
function row(source: string): string {
  const line = docs.split('\n').find((l) => l.startsWith(`| ${source}`));
  assert.ok(line, `docs/plugins.md has a severity row for ${source}`);
  return line.split('|')[2]!;
}

/** `a, b / c → high (yes); d → low` as label → severity, labels lower-cased without backticks. */
function documented(source: string): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const [, labels = '', severity = ''] of row(source).matchAll(
    /([^→]+?)→\s*(critical|high|medium|low|unknown)/g,
  ))
    for (const label of labels.replace(/\((all )?(yes|no)\)|;/g, ',').split(/,| \/ /))
      if (label.trim()) mapping.set(label.trim().replace(/`/g, '').toLowerCase(), severity);
  return mapping;
}

describe('docs/plugins.md: the severity tables say what plugins/*/severity.ts do', () => {
  const tables: [string, Readonly<Record<string, SeverityRating>>][] = [
    ['DNF `updateinfo`', DNF_UPDATEINFO_SEVERITY],
    ['PackageKit `PkInfoEnum`', PACKAGEKIT_INFO_SEVERITY],
    ['Debian security tracker urgency', DEBIAN_URGENCY_SEVERITY],
    ['Ubuntu CVE priority', UBUNTU_PRIORITY_SEVERITY],
    ['Arch Linux security advisories', ARCH_ASA_SEVERITY],
    ['Microsoft (Windows Update, winget)', MSRC_SEVERITY],
  ];
  for (const [source, table] of tables)
    it(`${source}: every label, level for level`, () => {
      const docMap = documented(source);
      for (const [label, rating] of Object.entries(table))
        assert.equal(
          docMap.get(label),
          rating.severity,
          `${source}: ${label} → ${rating.severity} is documented`,
        );
    });

  it('APT: the security archive and every other suite', () => {
    assert.match(
      row('APT archive'),
      new RegExp(`-security\` → ${APT_ARCHIVE_SEVERITY.security.severity} \\(yes\\)`),
    );
    assert.match(
      row('APT archive'),
      new RegExp(`any other suite → ${APT_ARCHIVE_SEVERITY.other.severity} \\(no\\)`),
    );
  });

  it('pacman, flatpak and snap: one value each', () => {
    for (const [source, rating] of [
      ['pacman repositories', PACMAN_SEVERITY],
      ['Flatpak remotes', FLATPAK_SEVERITY],
      ['Snap store', SNAP_SEVERITY],
    ] as const)
      assert.match(
        row(source),
        new RegExp(`no label → ${rating.severity} \\(${rating.security ? 'yes' : 'no'}\\)`),
        source,
      );
  });
});
