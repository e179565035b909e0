import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type HostedPackageManager, PluginHost } from '../../../plugins/sdk/index.js';
import { CHECKUPDATES_DB } from '../../../plugins/pacman/checkupdates.js';
import { pacmanFixtureLines } from './helpers/fixtures.js';
import { value } from '../sdk/outcome.js';

/**
 * checkupdates (pacman-contrib) is not in Debian, so these runs use STUBS on PATH: a
 * `checkupdates` script that prints the captured `pacman -Qu` fixture without its `[ignored]`
 * line (what checkupdates does) and exits with the code under test, and a `pacman` script that
 * answers -Qu with the whole fixture and -Sl with a repository list. The plugin runs unchanged,
 * with its default config, through real processes; the stubs log how they were called.
 */
describe('pacman plugin with checkupdates: exit codes 0/1/2 (stub checkupdates and pacman on PATH)', () => {
  const stubs = mkdtempSync(join(tmpdir(), 'rf-pacman-stubs-'));
  const log = join(stubs, 'calls.log');
  const savedPath = process.env.PATH;
  let host: PluginHost;
  let pacman: HostedPackageManager;

  const fixture = pacmanFixtureLines('pacman-Qu.txt');
  const script = (body: string) => `#!/bin/sh\n${body}\n`;

  function checkupdatesExits(code: number, stdout: string[] = [], stderr: string[] = []): void {
    writeFileSync(join(stubs, 'checkupdates.out'), stdout.map((l) => `${l}\n`).join(''));
    writeFileSync(join(stubs, 'checkupdates.err'), stderr.map((l) => `${l}\n`).join(''));
    writeFileSync(join(stubs, 'checkupdates.code'), String(code));
  }

  function calls(): string[] {
    const text = readFileSync(log, 'utf8');
    return text.split('\n').filter(Boolean);
  }

  before(async () => {
    writeFileSync(join(stubs, 'pacman-Qu.txt'), `${fixture.join('\n')}\n`);
    writeFileSync(
      join(stubs, 'checkupdates'),
      script(
        `d=$(dirname "$0"); echo "checkupdates CHECKUPDATES_DB=$CHECKUPDATES_DB LC_ALL=$LC_ALL $*" >> "$d/calls.log"
cat "$d/checkupdates.out"; cat "$d/checkupdates.err" >&2; exit $(cat "$d/checkupdates.code")`,
      ),
    );
    writeFileSync(
      join(stubs, 'pacman'),
      script(
        `d=$(dirname "$0"); echo "pacman $*" >> "$d/calls.log"
case "$1" in
  -Qu) cat "$d/pacman-Qu.txt" ;;
  -Sl) printf 'core linux 6.10.2.arch1-1 [installed: 6.9.1.arch1-1]\\nextra foo 1.1-1 [installed: 1.0-1]\\nextra baz 2:2.1-1\\n' ;;
  -Sy) ;;
  *) exit 1 ;;
esac`,
      ),
    );
    for (const name of ['checkupdates', 'pacman']) chmodSync(join(stubs, name), 0o755);
    process.env.PATH = `${stubs}${delimiter}${savedPath ?? ''}`;
    host = new PluginHost({
      modules: [{ id: 'plugins/pacman', load: () => import('../../../plugins/pacman/index.js') }],
      accept: ['package-manager'],
      configs: { pacman: {} },
    });
    const [status] = await host.start();
    assert.equal(status?.state, 'active', status?.message);
    pacman = host.packageManager('pacman')!;
  });

  beforeEach(() => writeFileSync(log, ''));

  after(async () => {
    process.env.PATH = savedPath;
    await host?.stop();
    rmSync(stubs, { recursive: true, force: true });
  });

  it('exit 0: lists its updates, adds the held one from its database, never syncs the system databases', async () => {
    checkupdatesExits(
      0,
      fixture.filter((l) => !l.includes('[ignored]')),
    );
    const scan = value(await pacman.scan());
    assert.equal(scan.complete, true, scan.warnings.join('\n'));
    assert.deepEqual(
      scan.packages.map((p) => [p.name, p.currentVersion, p.availableVersion, p.source, p.metadata.held]),
      [
        ['baz', '2.0-1', '2:2.1-1', 'extra', false],
        ['foo', '1.0-1', '1.1-1', 'extra', false],
        ['linux', '6.9.1.arch1-1', '6.10.2.arch1-1', 'core', false],
        ['held', '1.0-1', '1.1-1', '', true],
      ],
    );
    assert.deepEqual(calls(), [
      `checkupdates CHECKUPDATES_DB=${CHECKUPDATES_DB} LC_ALL=C `,
      `pacman -Qu --color=never --dbpath=${CHECKUPDATES_DB}`,
      `pacman -Sl --color=never --dbpath=${CHECKUPDATES_DB}`,
    ]);
  });

  it('exit 2: no updates (only held ones, from its database)', async () => {
    checkupdatesExits(2);
    const scan = value(await pacman.scan());
    assert.equal(scan.complete, true);
    assert.deepEqual(
      scan.packages.map((p) => [p.name, p.metadata.held]),
      [['held', true]],
    );
    assert.ok(!calls().some((c) => c.startsWith('pacman -Sy')));
  });

  it('exit 1: a warning, then the sync databases on disk, still without pacman -Sy', async () => {
    checkupdatesExits(1, [], ['==> ERROR: Cannot fetch updates']);
    const scan = value(await pacman.scan());
    assert.deepEqual(scan.warnings, [
      'checkupdates failed, so this scan used the sync databases already on disk: checkupdates exited with 1: ==> ERROR: Cannot fetch updates',
    ]);
    assert.equal(scan.packages.length, 4);
    assert.deepEqual(calls().slice(1), ['pacman -Qu --color=never', 'pacman -Sl --color=never']);
  });

  it('an unreadable line from checkupdates: reported, the scan incomplete, the other lines kept', async () => {
    checkupdatesExits(0, ['foo 1.0-1 -> 1.1-1', 'foo 1.0-1 ->']);
    const scan = value(await pacman.scan());
    assert.equal(scan.complete, false);
    assert.deepEqual(
      scan.packages.map((p) => p.name),
      ['foo', 'held'],
    );
    assert.match(scan.warnings[0] ?? '', /unreadable line in checkupdates .*"foo 1.0-1 ->"/);
  });
});
