import assert from 'node:assert/strict';
import { parseInstalled } from '../../../plugins/dnf/installed.js';
import { isArch, isFullEvr, isPackageName, isRepoId } from '../../../plugins/dnf/package-names.js';
import { parseAdvisoryJson, parseUpdateinfoList } from '../../../plugins/dnf/parse-advisories.js';
import { parseCheckUpdate } from '../../../plugins/dnf/parse-check-update.js';
import { parseNeedsRestarting } from '../../../plugins/dnf/parse-needs-restarting.js';
import { parseProgressLine } from '../../../plugins/dnf/parse-progress.js';
import { type Candidate, parseRepoquery } from '../../../plugins/dnf/parse-repoquery.js';
import { parseTransaction } from '../../../plugins/dnf/parse-transaction.js';
import { parseVersionlock } from '../../../plugins/dnf/parse-versionlock.js';
import type { TransactionItem } from '../../../plugins/sdk/index.js';
import { type Mutation, mutate, seededRandom } from '../apt/helpers/mutate.js';
import { dnfFixture } from './helpers/fixtures.js';

const CASES = 3000;

const validCandidate = (c: Candidate) =>
  isPackageName(c.name) && isArch(c.arch) && isFullEvr(c.evr) && isRepoId(c.repo);
const validItem = (i: TransactionItem) =>
  isPackageName(i.name) &&
  isArch(i.arch ?? '') &&
  (i.toVersion === undefined || isFullEvr(i.toVersion)) &&
  (i.fromVersion === undefined || isFullEvr(i.fromVersion)) &&
  (i.source === undefined || isRepoId(i.source));

/** Five good lines, the middle one mutated: the document, the good lines alone, the mutation. */
function sample(good: readonly string[], random: () => number) {
  const lines = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
  const mutation = mutate(lines[2]!, random);
  return {
    document: [...lines.slice(0, 2), mutation.line, ...lines.slice(3)],
    before: lines.slice(0, 2),
    after: lines.slice(3),
    mutation,
  };
}

const describeCase = (n: number, mutation: Mutation) =>
  `case ${n} (${mutation.kind}): ${JSON.stringify(mutation.line)}`;

/**
 * Each case: good fixture lines with one mutated line among them. Whatever the mutation, the
 * parser must not throw, must read every good line exactly as it does without the mutated
 * one, and must either report the mutated line or read from it only values that obey RPM's
 * rules (a mutation can leave a line valid: `1.1-1` → `1.8-1`).
 */
describe('dnf parsers under fuzzing (mutated fixture lines, seeded)', () => {
  it(`repoquery --upgrades: ${CASES} cases`, () => {
    const good = dnfFixture('dnf-repoquery-upgrades.stdout');
    const random = seededRandom(0xd4f_1);
    const tally = { reported: 0, stillValid: 0 };
    for (let n = 0; n < CASES; n++) {
      const { document, before, after, mutation } = sample(good, random);
      const context = describeCase(n, mutation);
      const parsed = parseRepoquery(document);
      const alone = parseRepoquery([mutation.line]);
      assert.deepEqual(
        parsed.candidates,
        [...parseRepoquery(before).candidates, ...alone.candidates, ...parseRepoquery(after).candidates],
        context,
      );
      assert.deepEqual(parsed.warnings, alone.warnings, context);
      if (alone.warnings.length) tally.reported++;
      else if (alone.candidates.length) tally.stillValid++;
      assert.ok(alone.candidates.every(validCandidate), context);
      assert.ok(alone.warnings.length <= 1 && alone.candidates.length <= 1, context);
    }
    assert.ok(tally.reported > CASES / 3, JSON.stringify(tally));
    assert.ok(tally.stillValid > 50, JSON.stringify(tally));
  });

  it(`check-update: ${CASES} cases`, () => {
    const good = [
      ...dnfFixture('dnf-check-update-q.txt').slice(1),
      ...dnfFixture('dnf-check-update-obsoletes.stdout').slice(2, 6),
    ];
    const random = seededRandom(0xd4f_2);
    const tally = { reported: 0, stillValid: 0 };
    for (let n = 0; n < CASES; n++) {
      const { document, before, after, mutation } = sample(good, random);
      const context = describeCase(n, mutation);
      // Rows follow the blank line that ends dnf's chatter.
      const parsed = parseCheckUpdate(['', ...document]);
      const alone = parseCheckUpdate(['', mutation.line]);
      assert.deepEqual(
        parsed.candidates,
        [
          ...parseCheckUpdate(['', ...before]).candidates,
          ...alone.candidates,
          ...parseCheckUpdate(['', ...after]).candidates,
        ],
        context,
      );
      assert.deepEqual(parsed.warnings, alone.warnings, context);
      if (alone.warnings.length) tally.reported++;
      else if (alone.candidates.length) tally.stillValid++;
      assert.ok(alone.candidates.every(validCandidate), context);
    }
    assert.ok(tally.reported > CASES / 3, JSON.stringify(tally));
    assert.ok(tally.stillValid > 50, JSON.stringify(tally));
  });

  it(`updateinfo list, versionlock list, rpm -qa: ${CASES} cases each`, () => {
    const random = seededRandom(0xd4f_3);
    const advisories = [
      ...dnfFixture('dnf-updateinfo-list.stdout'),
      ...dnfFixture('dnf-updateinfo.txt').slice(1, 3),
    ];
    const locks = [
      'rf-test-a-0:1.0-1.*',
      'rf-test-c-0:3.0-1.*',
      'kernel-core-0:6.11.4-201.fc41.*',
      'Package name: restic',
    ];
    const rpms = dnfFixture('rpm-qa.stdout');
    const tally = { advisories: 0, locks: 0, rpms: 0 };
    for (let n = 0; n < CASES; n++) {
      const a = sample(advisories, random);
      const parsedA = parseUpdateinfoList(a.document);
      const aloneA = parseUpdateinfoList([a.mutation.line]);
      assert.deepEqual(
        parsedA.advisories,
        [
          ...parseUpdateinfoList(a.before).advisories,
          ...aloneA.advisories,
          ...parseUpdateinfoList(a.after).advisories,
        ],
        describeCase(n, a.mutation),
      );
      assert.deepEqual(parsedA.warnings, aloneA.warnings, describeCase(n, a.mutation));
      for (const advisory of aloneA.advisories)
        assert.ok(
          isPackageName(advisory.package.name) && isFullEvr(advisory.package.evr),
          describeCase(n, a.mutation),
        );
      if (aloneA.warnings.length) tally.advisories++;

      const l = sample(locks, random);
      const parsedL = parseVersionlock(l.document);
      const aloneL = parseVersionlock([l.mutation.line]);
      const goodNames = parseVersionlock([...l.before, ...l.after]).names;
      assert.ok(
        goodNames.every((name) => parsedL.names.includes(name)),
        describeCase(n, l.mutation),
      );
      assert.deepEqual(parsedL.warnings, aloneL.warnings, describeCase(n, l.mutation));
      assert.ok(parsedL.names.every(isPackageName), describeCase(n, l.mutation));
      if (aloneL.warnings.length) tally.locks++;

      const r = sample(rpms, random);
      const parsedR = parseInstalled(r.document);
      const aloneR = parseInstalled([r.mutation.line]);
      assert.deepEqual(parsedR.warnings, aloneR.warnings, describeCase(n, r.mutation));
      for (const pkg of parsedR.installed.values())
        assert.ok(
          isPackageName(pkg.name) && isArch(pkg.arch) && isFullEvr(pkg.evr),
          describeCase(n, r.mutation),
        );
      for (const line of [...r.before, ...r.after]) {
        const [name = '', , , , arch = ''] = line.split('|');
        assert.ok(parsedR.installed.has(`${name}.${arch}`), describeCase(n, r.mutation));
      }
      if (aloneR.warnings.length) tally.rpms++;
    }
    for (const [parser, reported] of Object.entries(tally))
      assert.ok(reported > CASES / 3, `${parser}: ${JSON.stringify(tally)}`);
  });

  it(`transaction tables: ${CASES} cases, one row mutated in a captured table`, () => {
    const tables = [
      [...dnfFixture('dnf-upgrade-assumeno.stdout'), ...dnfFixture('dnf-upgrade-assumeno.stderr')],
      dnfFixture('dnf-install-long-assumeno.txt'),
      dnfFixture('dnf-upgrade-all-assumeno.stdout'),
      dnfFixture('dnf-upgrade-y.stdout'),
    ];
    const key = (i: TransactionItem) => `${i.name}.${i.arch ?? ''} ${i.toVersion ?? ''} ${i.source ?? ''}`;
    const random = seededRandom(0xd4f_4);
    const tally = { reported: 0, stillValid: 0 };
    for (let n = 0; n < CASES; n++) {
      const table = tables[n % tables.length]!;
      const baseline = parseTransaction(table);
      assert.deepEqual(baseline.warnings, []);
      const start = table.findIndex((l) => /^\s*Package\s+Arch/.test(l));
      const end = table.findIndex((l) => l.startsWith('Transaction Summary'));
      const rows = table.map((l, i) => i).filter((i) => i > start && i < end && /^ \S/.test(table[i]!));
      const target = rows[Math.floor(random() * rows.length)]!;
      const mutation = mutate(table[target]!, random);
      const context = describeCase(n, mutation);
      const document = table.map((l, i) => (i === target ? mutation.line : l));

      const parsed = parseTransaction(document);
      // The good rows: the table read without the mutated row.
      const goodRows = parseTransaction(table.filter((_, i) => i !== target)).transaction;
      for (const section of ['upgrades', 'newPackages', 'removals'] as const) {
        const got = parsed.transaction[section].map(key);
        assert.ok(
          goodRows[section].map(key).every((k) => got.includes(k)),
          `${context}: lost a good row in ${section}`,
        );
      }
      const items = [
        ...parsed.transaction.upgrades,
        ...parsed.transaction.newPackages,
        ...parsed.transaction.removals,
      ];
      if (parsed.warnings.length) tally.reported++;
      else {
        // Unreported: the mutation left a row that obeys RPM's rules, and nothing went missing.
        tally.stillValid++;
        assert.ok(items.every(validItem), context);
        const all = [
          ...baseline.transaction.upgrades,
          ...baseline.transaction.newPackages,
          ...baseline.transaction.removals,
        ];
        assert.equal(items.length, all.length, context);
      }
    }
    assert.ok(tally.reported > CASES / 3, JSON.stringify(tally));
    assert.ok(tally.stillValid > 50, JSON.stringify(tally));
  });

  it('progress, needs-restarting and advisory JSON: never throw, never yield an out-of-range percent', () => {
    const random = seededRandom(0xd4f_5);
    const progress = dnfFixture('dnf-upgrade-y.stdout').filter((l) => parseProgressLine(l));
    progress.push(
      '(1/3): rf-test-a-1.1-1.noarch.rpm    1.2 MB/s | 5.4 kB  00:00',
      '[2/5] Upgrading rf-test-a-0:1.1-1.noarch  100% | 1.0 KiB/s | 5.4 KiB | 00m00s',
    );
    const restarting = dnfFixture('dnf-needs-restarting-required.stdout');
    const json = JSON.stringify(
      [
        {
          name: 'FEDORA-2026-1',
          type: 'security',
          severity: 'Important',
          nevra: 'foo-1.1-1.noarch',
          buildtime: '2026-01-01 00:00:00',
        },
      ],
      null,
      3,
    ).split('\n');
    for (let n = 0; n < CASES; n++) {
      const step = parseProgressLine(mutate(progress[n % progress.length]!, random).line);
      if (step?.percent !== undefined)
        assert.ok(step.percent >= 0 && step.percent <= 100, JSON.stringify(step));
      if (step?.package !== undefined) assert.ok(isPackageName(step.package));
      const status = parseNeedsRestarting(
        restarting.map((l, i) => (i === n % restarting.length ? mutate(l, random).line : l)),
      );
      assert.ok(status.packages.every(isPackageName));
      const line = n % json.length;
      const advisories = parseAdvisoryJson(
        json.map((l, i) => (i === line ? mutate(l, random).line : l)).join('\n'),
      );
      for (const a of advisories.advisories)
        assert.ok(isPackageName(a.package.name) && isFullEvr(a.package.evr));
    }
  });
});
