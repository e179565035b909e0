import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HostedPackageManager, PluginHost } from '../../../plugins/sdk/index.js';
import { FakeClock } from '../apt/helpers/fake-apt.js';
import { pacmanFixtureLines } from './helpers/fixtures.js';
import { ScriptedRunner } from './helpers/scripted-runner.js';
import { value } from '../sdk/outcome.js';

/**
 * The pacman plugin's decisions (commands, arguments, failure handling) against scripted tool
 * output, so every failure mode runs on any machine. The real pacman runs in pacman-real.test.ts.
 */
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0)) await clean();
});

async function pacmanWith(
  fake: ScriptedRunner,
  config: Record<string, unknown> = {},
): Promise<HostedPackageManager> {
  const host = new PluginHost({
    modules: [{ id: 'plugins/pacman', load: () => import('../../../plugins/pacman/index.js') }],
    accept: ['package-manager'],
    configs: { pacman: config },
    runner: fake.runner,
    clock: new FakeClock(),
  });
  const [status] = await host.start();
  assert.equal(status?.state, 'active', status?.message);
  cleanups.push(() => host.stop());
  return host.packageManager('pacman')!;
}

const QU = { stdout: pacmanFixtureLines('pacman-Qu.txt') };
const SL = {
  stdout: ['core linux 6.10.2.arch1-1 [installed: 6.9.1.arch1-1]', 'extra foo 1.1-1 [installed: 1.0-1]'],
};
const NO_CHECKUPDATES = { spawnError: 'spawn checkupdates ENOENT' };
const PATHS = {
  root: '/srv/arch',
  dbPath: '/srv/arch/db',
  config: '/srv/arch/pacman.conf',
  cacheDir: '/srv/cache',
};

describe('pacman plugin: scan', () => {
  it('without checkupdates: pacman -Sy, -Qu and -Sl, C locale, the configured paths on every call', async () => {
    const fake = new ScriptedRunner()
      .on(/^checkupdates/, NO_CHECKUPDATES)
      .on(/^pacman -Sy /, {})
      .on(/^pacman -Qu /, QU)
      .on(/^pacman -Sl /, SL);
    const pacman = await pacmanWith(fake, PATHS);
    const scan = value(await pacman.scan());
    assert.deepEqual(
      fake.calls.map((c) => [c.command, ...c.args].join(' ')),
      [
        'pacman -Sy --color=never --root=/srv/arch --dbpath=/srv/arch/db --config=/srv/arch/pacman.conf --cachedir=/srv/cache',
        'pacman -Qu --color=never --root=/srv/arch --dbpath=/srv/arch/db --config=/srv/arch/pacman.conf --cachedir=/srv/cache',
        'pacman -Sl --color=never --root=/srv/arch --dbpath=/srv/arch/db --config=/srv/arch/pacman.conf --cachedir=/srv/cache',
      ],
      'checkupdates cannot take a root or a config, so it is not tried',
    );
    for (const call of fake.calls) assert.equal(call.env.LC_ALL, 'C');
    assert.equal(scan.complete, true);
    assert.deepEqual(
      scan.packages.map((p) => [p.name, p.source, p.severity, p.security, p.metadata.held]),
      [
        ['baz', '', 'unknown', false, false],
        ['foo', 'extra', 'unknown', false, false],
        ['held', '', 'unknown', false, true],
        ['linux', 'core', 'unknown', false, false],
      ],
    );
  });

  it('tries checkupdates with the default paths, and falls back when it is not installed', async () => {
    const fake = new ScriptedRunner()
      .on(/^checkupdates/, NO_CHECKUPDATES)
      .on(/^pacman -Sy /, {})
      .on(/^pacman -Qu /, QU)
      .on(/^pacman -Sl /, SL);
    const pacman = await pacmanWith(fake);
    value(await pacman.scan());
    assert.deepEqual(
      fake.calls.map((c) => c.command + (c.args[0] ? ` ${c.args[0]}` : '')),
      ['checkupdates', 'pacman -Sy', 'pacman -Qu', 'pacman -Sl'],
    );
  });

  it('reports a failed pacman -Sy as a warning and scans the databases on disk', async () => {
    const fake = new ScriptedRunner()
      .on(/^pacman -Sy /, {
        exitCode: 1,
        stderr: ["error: failed retrieving file 'core.db' from mirror : Could not resolve host"],
      })
      .on(/^pacman -Qu /, QU)
      .on(/^pacman -Sl /, SL);
    const pacman = await pacmanWith(fake, { checkupdatesPath: '' });
    const scan = value(await pacman.scan());
    assert.equal(scan.packages.length, 4);
    assert.equal(scan.complete, true, 'the databases on disk are complete, only older');
    assert.match(
      scan.warnings[0] ?? '',
      /^pacman -Sy failed, so the sync databases already on disk were used: pacman -Sy exited with 1: error: failed retrieving/,
    );
  });

  it('pacman -Qu exit 1 without output means no updates; with an error it fails the scan', async () => {
    const none = new ScriptedRunner().on(/^pacman -Sy /, {}).on(/^pacman -Qu /, { exitCode: 1 });
    const scan = value(await (await pacmanWith(none, { checkupdatesPath: '' })).scan());
    assert.deepEqual([scan.packages, scan.complete, scan.warnings], [[], true, []]);

    const broken = new ScriptedRunner().on(/^pacman -Sy /, {}).on(/^pacman -Qu /, {
      exitCode: 1,
      stderr: ['error: failed to initialize alpm library:', 'could not find or read directory'],
    });
    const outcome = await (await pacmanWith(broken, { checkupdatesPath: '' })).scan();
    assert.equal(!outcome.ok && outcome.code, 'command-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /pacman -Qu exited with 1: error: failed to initialize alpm library/,
    );
  });

  it('an unreadable -Sl only costs the repository names, not completeness', async () => {
    const fake = new ScriptedRunner()
      .on(/^pacman -Sy /, {})
      .on(/^pacman -Qu /, QU)
      .on(/^pacman -Sl /, { exitCode: 1, stderr: ['error: no usable package repositories configured.'] });
    const scan = value(await (await pacmanWith(fake, { checkupdatesPath: '' })).scan());
    assert.equal(scan.complete, true);
    assert.match(scan.warnings.join(), /repositories unknown \(pacman -Sl failed\)/);
  });
});

describe('pacman plugin: detect', () => {
  it('is unavailable when pacman is missing, or when its database lists no packages (Debian ships pacman)', async () => {
    const missing = new ScriptedRunner().on(/^pacman --version/, { spawnError: 'spawn pacman ENOENT' });
    assert.deepEqual(value(await (await pacmanWith(missing)).detect()), {
      available: false,
      reason: 'pacman is not installed',
    });

    const db = mkdtempSync(join(tmpdir(), 'rf-pacman-db-'));
    cleanups.push(() => rmSync(db, { recursive: true, force: true }));
    const installed = new ScriptedRunner().on(/^pacman --version/, {
      stdout: ['', ' .--.                  Pacman v6.0.2 - libalpm v13.0.2'],
    });
    const empty = value(await (await pacmanWith(installed, { dbPath: db })).detect());
    assert.equal(empty.available, false);
    assert.match(empty.reason ?? '', /lists no packages/);
    mkdirSync(join(db, 'local/pacman-6.0.2-1'), { recursive: true });
    assert.deepEqual(value(await (await pacmanWith(installed, { dbPath: db })).detect()), {
      available: true,
      version: '6.0.2',
    });
    assert.equal(installed.callsTo(/^pacman -Q/).length, 0, 'detect never opens the database with pacman');
  });
});

describe('pacman plugin: dry run and install', () => {
  const installedA = { exitCode: 0, stdout: ['rf-test-a 1.0-1'] };

  it('refuses package names that are not pacman names, before running anything', async () => {
    const fake = new ScriptedRunner();
    const pacman = await pacmanWith(fake);
    const outcome = await pacman.dryRun({ packages: [{ name: '--dbpath=/tmp/evil' }] });
    assert.equal(!outcome.ok && outcome.code, 'invalid-request');
    assert.deepEqual(fake.calls, []);
  });

  it('refuses a dry run whose print output it cannot fully read', async () => {
    const fake = new ScriptedRunner()
      .on(/^pacman -Sy /, {})
      .on(/^pacman -Qu /, { exitCode: 0, stdout: ['rf-test-a 1.0-1 -> 1.1-1'] })
      .on(/^pacman -Q /, installedA)
      .on(/^pacman -S -u -p /, { stdout: ['rf-test-a 1.1-1'] });
    const outcome = await (await pacmanWith(fake)).dryRun({ packages: [{ name: 'rf-test-a' }] });
    assert.equal(!outcome.ok && outcome.code, 'unreadable-output');
  });

  it('a pinned version the repositories no longer offer: a warning in the dry run, a refusal to install', async () => {
    const fake = new ScriptedRunner()
      .on(/^pacman -Sy /, {})
      .on(/^pacman -Qu /, { exitCode: 0, stdout: ['rf-test-a 1.0-1 -> 1.2-1'] })
      .on(/^pacman -Q /, installedA)
      .on(/^pacman -S -u -p /, { stdout: ['rf-test-a 1.2-1 rftest'] });
    const pacman = await pacmanWith(fake);
    const request = { packages: [{ name: 'rf-test-a', version: '1.1-1' }] };
    const dryRun = value(await pacman.dryRun(request));
    assert.deepEqual(dryRun.warnings, [
      'rf-test-a: 1.1-1 was approved, but the repositories now offer 1.2-1',
    ]);
    const outcome = await pacman.install(request, () => {});
    assert.equal(!outcome.ok && outcome.code, 'version-changed');
    assert.equal(fake.callsTo(/^pacman -S -u --noconfirm/).length, 0);
  });

  it("reports a failed install with the operation and pacman's errors", async () => {
    const fake = new ScriptedRunner()
      .on(/^pacman -Sy /, {})
      .on(/^pacman -Qu /, { exitCode: 0, stdout: ['rf-test-a 1.0-1 -> 1.1-1'] })
      .on(/^pacman -Q /, installedA)
      .on(/^pacman -S -u -p /, { stdout: ['rf-test-a 1.1-1 rftest'] })
      .on(/^pacman -S -u --noconfirm/, {
        exitCode: 1,
        stderr: [
          'error: failed to commit transaction (conflicting files)',
          'rf-test-a: /usr/bin/x exists in filesystem',
        ],
      });
    const outcome = await (await pacmanWith(fake)).install({ packages: [{ name: 'rf-test-a' }] }, () => {});
    assert.deepEqual(outcome, {
      ok: false,
      reason: 'error',
      code: 'install-failed',
      message:
        'plugin pacman: install failed: pacman -S exited with 1: error: failed to commit transaction (conflicting files) | rf-test-a: /usr/bin/x exists in filesystem',
      // What the failed transaction had changed: nothing, pacman commits all or nothing.
      details: { changed: [] },
    });
  });
});
