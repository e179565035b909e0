import assert from 'node:assert/strict';
import { type HostedPackageManager, PluginHost } from '../../../plugins/sdk/index.js';
import { ScriptedRunner } from '../pacman/helpers/scripted-runner.js';
import { flatpakFixtureLines } from './helpers/fixtures.js';
import { value } from '../sdk/outcome.js';

/**
 * The flatpak plugin's decisions (commands, arguments, failure handling) against outputs
 * captured from the real flatpak (test/fixtures/flatpak), replayed by a scripted runner so every
 * failure mode runs on any machine. The real flatpak runs in flatpak-real.test.ts.
 */
const hosts: PluginHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
});

async function flatpakWith(
  fake: ScriptedRunner,
  config: Record<string, unknown> = {},
): Promise<HostedPackageManager> {
  const host = new PluginHost({
    modules: [{ id: 'plugins/flatpak', load: () => import('../../../plugins/flatpak/index.js') }],
    accept: ['package-manager'],
    configs: { flatpak: config },
    runner: fake.runner,
  });
  hosts.push(host);
  const [status] = await host.start();
  assert.equal(status?.state, 'active', status?.message);
  return host.packageManager('flatpak')!;
}

const captured = (name: string) => ({ stdout: flatpakFixtureLines(name) });

function scripted(): ScriptedRunner {
  return new ScriptedRunner()
    .on(/^flatpak --default-arch/, { stdout: ['x86_64'] })
    .on(/^flatpak update --appstream/, captured('update-appstream.stdout'))
    .on(/^flatpak remote-ls --updates/, captured('remote-ls-updates.stdout'))
    .on(/^flatpak list /, captured('list.stdout'))
    .on(/^flatpak mask /, { stdout: [] })
    .on(/^flatpak remote-info /, captured('remote-info.stdout'))
    .on(/^flatpak update -y --no-deploy /, captured('update-no-deploy.stdout'));
}

describe('flatpak plugin against captured outputs: scan', () => {
  it('asks one installation, in the C locale with plain output, and reports versions or commits', async () => {
    const fake = scripted();
    const scan = value(await (await flatpakWith(fake)).scan());
    assert.deepEqual(
      fake.calls.map((c) => c.args.join(' ')),
      [
        'update --appstream --system',
        'remote-ls --updates --columns=ref:f,origin:f,version:f,commit:f --system',
        'list --columns=ref:f,version:f,active:f,origin:f --system',
        'mask --system',
      ],
    );
    for (const call of fake.calls)
      assert.deepEqual([call.env.LC_ALL, call.env.FLATPAK_FANCY_OUTPUT], ['C', '0']);
    assert.equal(scan.complete, true);
    assert.deepEqual(scan.packages, [
      {
        plugin: 'flatpak',
        name: 'org.redflag.TestApp//stable',
        arch: 'x86_64',
        currentVersion: '1.0',
        availableVersion: '1.1',
        severity: 'unknown',
        security: false,
        source: 'rftest',
        metadata: {
          ref: 'app/org.redflag.TestApp/x86_64/stable',
          kind: 'app',
          branch: 'stable',
          installation: 'system',
          installedVersion: '1.0',
          installedCommit: 'b45faa0d859d',
          availableVersion: '1.1',
          availableCommit: '25225b5da810',
          held: false,
        },
      },
      {
        plugin: 'flatpak',
        name: 'org.redflag.Platform//1',
        arch: 'x86_64',
        currentVersion: '5a42ef7b9812',
        availableVersion: '7b5cb3356fcf',
        severity: 'unknown',
        security: false,
        source: 'rftest',
        metadata: {
          ref: 'runtime/org.redflag.Platform/x86_64/1',
          kind: 'runtime',
          branch: '1',
          installation: 'system',
          installedVersion: '',
          installedCommit: '5a42ef7b9812',
          availableVersion: '',
          availableCommit: '7b5cb3356fcf',
          held: false,
        },
      },
    ]);
  });

  it('installation user or a named one: --user, --installation=NAME; no appstream refresh when off', async () => {
    for (const [installation, option] of [
      ['user', '--user'],
      ['extra-disk', '--installation=extra-disk'],
    ]) {
      const fake = scripted();
      value(await (await flatpakWith(fake, { installation, refreshAppstream: false })).scan());
      assert.deepEqual(
        fake.calls.map((c) => c.args.at(-1)),
        [option, option, option],
      );
    }
  });

  it('a remote that cannot be listed fails the scan: the list would be partial', async () => {
    const fake = scripted().on(/^flatpak remote-ls/, {
      exitCode: 1,
      stderr: flatpakFixtureLines('remote-ls-updates-unreachable.stderr'),
    });
    const outcome = await (await flatpakWith(fake)).scan();
    assert.equal(!outcome.ok && outcome.code, 'command-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /flatpak remote-ls exited with 1: error: Remote "nonexistent" not found/,
    );
  });

  it('appstream errors (exit 0 with "Error updating") and unreadable masks are warnings; a bad update line makes it incomplete', async () => {
    const fake = scripted()
      .on(/^flatpak update --appstream/, {
        stderr: [
          "Error updating: Error updating appstream2: No such ref 'appstream2/x86_64' in remote rftest",
        ],
      })
      .on(/^flatpak mask /, { exitCode: 1, stderr: ["error: Unknown command 'mask'"] })
      .on(/^flatpak remote-ls --updates/, {
        stdout: [
          ...flatpakFixtureLines('remote-ls-updates.stdout'),
          'app/org.x/x86_64/stable\trftest\t1\tzz',
        ],
      });
    const scan = value(await (await flatpakWith(fake)).scan());
    assert.equal(scan.packages.length, 2);
    assert.equal(scan.complete, false);
    assert.equal(scan.warnings.length, 3);
    assert.match(scan.warnings[0] ?? '', /^flatpak update --appstream: Error updating/);
    assert.match(scan.warnings[1] ?? '', /^masked \(held\) refs unknown: could not read flatpak masks/);
    assert.match(scan.warnings[2] ?? '', /unreadable line in flatpak remote-ls --updates \(bad ref\)/);
  });
});

describe('flatpak plugin against captured outputs: dry run and install', () => {
  it('dry run: flatpak update -y --no-deploy with refs after --, the table with versions or commits', async () => {
    const fake = scripted();
    const transaction = value(
      await (
        await flatpakWith(fake)
      ).dryRun({
        packages: [
          { name: 'org.redflag.TestApp//stable' },
          { name: 'org.redflag.Platform//1', arch: 'x86_64' },
        ],
      }),
    );
    assert.deepEqual(fake.callsTo(/--no-deploy/)[0]?.args, [
      'update',
      '-y',
      '--no-deploy',
      '--system',
      '--',
      'org.redflag.TestApp/x86_64/stable',
      'org.redflag.Platform/x86_64/1',
    ]);
    assert.deepEqual(transaction, {
      upgrades: [
        {
          name: 'org.redflag.Platform//1',
          arch: 'x86_64',
          source: 'rftest',
          security: false,
          fromVersion: '5a42ef7b9812',
          toVersion: '7b5cb3356fcf',
        },
        {
          name: 'org.redflag.TestApp//stable',
          arch: 'x86_64',
          source: 'rftest',
          security: false,
          fromVersion: '1.0',
          toVersion: '1.1',
        },
      ],
      newPackages: [
        // From `flatpak remote-info`: no version published, so the commit.
        {
          name: 'org.redflag.Platform2//1',
          arch: 'x86_64',
          source: 'rftest',
          security: false,
          toVersion: '4000647fa113',
        },
      ],
      removals: [],
      warnings: [],
    });
  });

  it('refuses names that are not ID//BRANCH before running flatpak on them', async () => {
    const fake = scripted();
    const outcome = await (await flatpakWith(fake)).dryRun({ packages: [{ name: '--user' }] });
    assert.equal(!outcome.ok && outcome.code, 'invalid-request');
    assert.equal(fake.callsTo(/update/).length, 0);
  });

  it('an unreadable transaction row fails the dry run rather than show an inexact transaction', async () => {
    const fake = scripted().on(/^flatpak update -y --no-deploy /, {
      stdout: [' 1.\t   \torg.redflag.TestApp\tstable\tu'],
    });
    const outcome = await (
      await flatpakWith(fake)
    ).dryRun({ packages: [{ name: 'org.redflag.TestApp//stable' }] });
    assert.equal(!outcome.ok && outcome.code, 'unreadable-output');
  });

  it('reports a failed update with flatpak errors', async () => {
    const fake = scripted().on(/^flatpak update -y --noninteractive /, {
      exitCode: 1,
      stderr: ['error: Failed to install org.redflag.Platform2: No space left on device'],
    });
    const outcome = await (
      await flatpakWith(fake)
    ).install({ packages: [{ name: 'org.redflag.TestApp//stable' }] }, () => {});
    assert.equal(!outcome.ok && outcome.code, 'install-failed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /flatpak update exited with 1: error: Failed to install org\.redflag\.Platform2: No space left/,
    );
  });
});
