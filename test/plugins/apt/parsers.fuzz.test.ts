import assert from 'node:assert/strict';
import { isArch, isPackageName, isVersion } from '../../../plugins/apt/package-names.js';
import { parseNeedrestart } from '../../../plugins/apt/parse-needrestart.js';
import { parseSimulation } from '../../../plugins/apt/parse-simulation.js';
import { parseStatusLine } from '../../../plugins/apt/parse-status-fd.js';
import { parseUpgradable } from '../../../plugins/apt/parse-upgradable.js';
import type { TransactionItem } from '../../../plugins/sdk/index.js';
import { aptFixtureLines } from './helpers/fixtures.js';
import { mutate, seededRandom } from './helpers/mutate.js';

const CASES = 3000;
const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Each case: a handful of good fixture lines with one mutated line among them. Whatever the
 * mutation, the parser must not throw, must still read every good line exactly as it does
 * alone, and must either report the mutated line or read from it only values that obey
 * Debian's rules (a mutation can leave a line valid: `1.0` → `1.8`).
 */
describe('apt parsers under fuzzing (mutated fixture lines, seeded)', () => {
  it(`apt list --upgradable: ${CASES} cases`, () => {
    const good = aptFixtureLines('apt-list-upgradable.stdout').filter((l) => l.includes('[upgradable from:'));
    const random = seededRandom(0x5eed_a);
    const tally = { reported: 0, stillValid: 0 };
    for (let n = 0; n < CASES; n++) {
      const sample = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
      const mutation = mutate(sample[2]!, random);
      const document = [...sample.slice(0, 2), mutation.line, ...sample.slice(3)];
      const context = `case ${n} (${mutation.kind}): ${JSON.stringify(mutation.line)}`;

      const parsed = parseUpgradable(document);
      const alone = parseUpgradable([mutation.line]);
      const expectedGood = parseUpgradable([...sample.slice(0, 2), ...sample.slice(3)]).entries;
      assert.equal(expectedGood.length, 4, 'the fixture lines themselves parse');
      assert.deepEqual(
        parsed.entries,
        [...expectedGood.slice(0, 2), ...alone.entries, ...expectedGood.slice(2)],
        context,
      );
      assert.deepEqual(parsed.warnings, alone.warnings, context);

      if (alone.warnings.length) {
        tally.reported++;
        assert.equal(alone.warnings.length, 1, context);
        assert.equal(alone.entries.length, 0, context);
        assert.ok(
          alone.warnings[0]!.includes(JSON.stringify(mutation.line).slice(0, 60)),
          `the warning quotes the line: ${context}`,
        );
      }
      for (const entry of alone.entries) {
        tally.stillValid++;
        assert.ok(isPackageName(entry.name), context);
        assert.ok(isVersion(entry.currentVersion) && isVersion(entry.availableVersion), context);
        assert.ok(isArch(entry.arch), context);
        assert.ok(
          entry.suites.every((s) => PRINTABLE.test(s) && s.length > 0),
          context,
        );
      }
    }
    // Guards the test itself: most mutations must be caught, and some must survive as valid.
    assert.ok(tally.reported > CASES / 2, JSON.stringify(tally));
    assert.ok(tally.stillValid > 50, JSON.stringify(tally));
  });

  it(`apt-get -s Inst/Conf/Remv lines: ${CASES} cases`, () => {
    const good = [
      ...aptFixtureLines('apt-get-s-dist-upgrade.txt'),
      ...aptFixtureLines('apt-get-s-install-apache2.txt'),
      ...aptFixtureLines('apt-get-s-remove-curl.txt'),
    ].filter((l) => /^(Inst|Conf|Remv) /.test(l));
    const random = seededRandom(0x5eed_b);
    const tally = { reported: 0, stillValid: 0 };
    const validItem = (item: TransactionItem) =>
      isPackageName(item.name) &&
      (item.arch === undefined || isArch(item.arch)) &&
      (item.fromVersion === undefined || isVersion(item.fromVersion)) &&
      (item.toVersion === undefined || isVersion(item.toVersion)) &&
      PRINTABLE.test(item.source ?? '');
    for (let n = 0; n < CASES; n++) {
      const sample = Array.from({ length: 5 }, () => good[Math.floor(random() * good.length)]!);
      const mutation = mutate(sample[2]!, random);
      const document = [...sample.slice(0, 2), mutation.line, ...sample.slice(3)];
      const context = `case ${n} (${mutation.kind}): ${JSON.stringify(mutation.line)}`;

      const parsed = parseSimulation(document);
      const perLine = document.map((line) => parseSimulation([line]));
      for (const section of ['upgrades', 'newPackages', 'removals'] as const)
        assert.deepEqual(
          parsed.transaction[section],
          perLine.flatMap((p) => p.transaction[section]),
          context,
        );
      const alone = perLine[2]!;
      assert.deepEqual(parsed.warnings, alone.warnings, context);
      const items = [
        ...alone.transaction.upgrades,
        ...alone.transaction.newPackages,
        ...alone.transaction.removals,
      ];
      if (alone.warnings.length) {
        tally.reported++;
        assert.equal(items.length, 0, context);
      } else if (items.length) tally.stillValid++;
      assert.ok(items.every(validItem), context);
    }
    assert.ok(tally.reported > CASES / 3, JSON.stringify(tally));
    assert.ok(tally.stillValid > 50, JSON.stringify(tally));
  });

  it('status-fd and needrestart lines: never throw, never yield an out-of-range percent', () => {
    const random = seededRandom(0x5eed_c);
    const status = [
      'dlstatus:2:49.4832:Retrieving file 2 of 2',
      'pmstatus:rf-test-a:77.7778:Configuring rf-test-a (amd64)',
    ];
    const needrestart = [
      'NEEDRESTART-KSTA: 3',
      'NEEDRESTART-KCUR: 6.1.0-13-amd64',
      'NEEDRESTART-SVC: ssh.service',
    ];
    for (let n = 0; n < CASES; n++) {
      const progress = parseStatusLine(mutate(status[n % 2]!, random).line);
      if (progress?.percent !== undefined) assert.ok(progress.percent >= 0 && progress.percent <= 100);
      const restart = parseNeedrestart([mutate(needrestart[n % 3]!, random).line]);
      if (restart.kernelStatus !== undefined) assert.ok(Number.isInteger(restart.kernelStatus));
    }
  });
});
