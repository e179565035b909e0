import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UPDATES_JSON_FORMAT } from '../../agent/cli/output/updates.js';
import { requireOrSkip } from '../plugins/apt/helpers/requirements.js';
import { tempDir } from '../helpers/cli.js';
import { fakeMachineId, until } from './helpers/agent-fixture.js';
import { AGENT_BIN, runAgentCli, startAgentProcess } from './helpers/agent-cli.js';
import { RestartableCore } from './helpers/restartable-core.js';

const ESC = String.fromCharCode(27);
const COMMANDS = ['register', 'run', 'scan', 'list-updates', 'status', 'unregister'];
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .version as string;

describe('redflag-agent (command line)', function () {
  this.timeout(60_000);

  it('prints its help and exits 0', () => {
    const res = spawnSync(process.execPath, [AGENT_BIN, '--help'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^Usage: redflag-agent/);
    assert.match(res.stdout, /RedFlag host agent/);
    assert.match(res.stdout, /Exit codes:\n {2}0 {2}success/);
  });

  it('prints the package version', () => {
    const res = spawnSync(process.execPath, [AGENT_BIN, '--version'], { encoding: 'utf8' });
    assert.equal(res.stdout.trim(), version);
  });

  it('has --help on every command, each accepting --config and --state-dir', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => runAgentCli([command, '--help'])));
    for (const [i, command] of COMMANDS.entries()) {
      const res = runs[i]!;
      assert.equal(res.code, 0, `${command}: ${res.stderr}`);
      assert.match(res.stdout, new RegExp(`^Usage: redflag-agent ${command}`));
      assert.match(res.stdout, /--config <path>/);
      assert.match(res.stdout, /--state-dir <dir>/);
    }
  });

  it('exits 2 on usage errors', async () => {
    const cases = [
      [],
      ['frobnicate'],
      ['scan', '--bogus'],
      ['list-updates', '--json', '--csv'],
      ['register', '--token', 'x'],
      ['register', '--server', 'http://127.0.0.1:9', '--token', 'not-a-token'],
    ];
    const runs = await Promise.all(cases.map((args) => runAgentCli(args)));
    for (const [i, args] of cases.entries())
      assert.equal(runs[i]!.code, 2, `${args.join(' ')}: ${runs[i]!.stdout}${runs[i]!.stderr}`);
    const res = await runAgentCli(['register', '--server', 'http://127.0.0.1:9', '--token', 'rf1_bad']);
    assert.match(res.stderr, /^redflag-agent: invalid --token: not a RedFlag registration token/m);
  });

  describe('without a server', () => {
    let dir: { path: string; remove(): void };
    let common: string[];
    before(() => {
      dir = tempDir('rf-agent-cli-');
      // The lists already on disk: no network, and the same answer as apt's own count below.
      writeFileSync(
        join(dir.path, 'agent.json'),
        JSON.stringify({ formatVersion: 2, plugins: { apt: { updateBeforeScan: false } } }),
      );
      common = ['--config', join(dir.path, 'agent.json'), '--state-dir', join(dir.path, 'state')];
    });
    after(() => dir.remove());

    it('status: not registered, exit 3, stable JSON', async () => {
      const res = await runAgentCli(['status', '--json', ...common]);
      assert.equal(res.code, 3);
      const status = JSON.parse(res.stdout);
      assert.deepEqual(
        [
          status.formatVersion,
          status.registered,
          status.agentId,
          status.daemon,
          status.spool.messages,
          status.agentVersion,
        ],
        [1, false, null, { running: false }, 0, version],
      );
      assert.match(res.stderr, /^redflag-agent: not registered/m);
    });

    it('list-updates before any scan: empty, exit 0', async () => {
      const res = await runAgentCli(['list-updates', '--json', ...common]);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(JSON.parse(res.stdout).packages, []);
      assert.match((await runAgentCli(['list-updates', ...common])).stdout, /No scan results yet/);
    });

    it('scan --json: every upgradable package on this machine, with the documented fields', async function () {
      requireOrSkip(this, { commands: ['apt', 'apt-get', 'apt-mark', 'dpkg-query'] }, 'scanning needs apt');
      const res = await runAgentCli(['scan', '--plugin', 'apt', '--json', ...common]);
      assert.equal(res.code, 0, res.stderr);
      const report = JSON.parse(res.stdout);
      assert.equal(report.formatVersion, UPDATES_JSON_FORMAT);
      assert.equal(report.source, 'scan');
      assert.deepEqual(Object.keys(report.plugins[0]).sort(), [
        'complete',
        'error',
        'finishedAt',
        'packageCount',
        'packagesScannedAt',
        'plugin',
        'startedAt',
        'trigger',
        'warnings',
      ]);
      assert.deepEqual(
        [report.plugins[0].plugin, report.plugins[0].error, report.plugins[0].trigger],
        ['apt', null, 'cli'],
      );
      const listed = spawnSync('apt', ['list', '--upgradable'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((l) => l.includes('[upgradable from:'));
      assert.equal(report.packages.length, listed.length);
      for (const p of report.packages) {
        assert.equal(p.plugin, 'apt');
        for (const field of ['name', 'currentVersion', 'availableVersion', 'severity', 'source'])
          assert.equal(typeof p[field], 'string');
        assert.equal(typeof p.security, 'boolean');
      }
      // The same scan as CSV (`scan [--plugin P] [--json|--csv]` is a name scripts rely on).
      const csv = await runAgentCli(['scan', '--plugin', 'apt', '--csv', ...common]);
      assert.equal(csv.code, 0, csv.stderr);
      const rows = csv.stdout.trimEnd().split('\r\n');
      assert.equal(
        rows[0],
        'plugin,name,arch,currentVersion,availableVersion,severity,security,source,rebootRequired',
      );
      assert.equal(rows.length, listed.length + 1);
      assert.equal((await runAgentCli(['scan', '--json', '--csv', ...common])).code, 2);
    });

    it('list-updates works offline from the cache: JSON, CSV and a plain table when piped', async function () {
      requireOrSkip(this, { commands: ['apt'] }, 'the cache comes from an apt scan');
      // No package manager on PATH: list-updates must not need one.
      const offline = { PATH: '/nonexistent' };
      const json = await runAgentCli(['list-updates', '--json', ...common], offline);
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout);
      assert.equal(report.source, 'cache');
      const csv = await runAgentCli(['list-updates', '--csv', ...common], offline);
      const lines = csv.stdout.trimEnd().split('\r\n');
      assert.equal(
        lines[0],
        'plugin,name,arch,currentVersion,availableVersion,severity,security,source,rebootRequired',
      );
      assert.equal(lines.length, report.packages.length + 1);
      const table = await runAgentCli(['list-updates', ...common], offline);
      assert.ok(!table.stdout.includes(ESC), 'no colours in a pipe');
      if (report.packages.length) {
        assert.match(
          table.stdout,
          /^PLUGIN +PACKAGE +ARCH +CURRENT +AVAILABLE +SEVERITY +SECURITY +SOURCE$/m,
        );
        const coloured = await runAgentCli(['list-updates', ...common], { ...offline, FORCE_COLOR: '1' });
        assert.match(coloured.stdout, new RegExp(`${ESC}\\[[0-9;]+m(critical|high|medium|low|unknown)`));
      }
      assert.match(table.stdout, /apt: scanned \d{4}-\d\d-\d\d \d\d:\d\d/);
    });

    it('run and unregister exit 3 when not registered', async () => {
      assert.equal((await runAgentCli(['run', ...common])).code, 3);
      assert.equal((await runAgentCli(['unregister', ...common])).code, 3);
    });
  });

  describe('with a real core', () => {
    let core: RestartableCore;
    let dir: { path: string; remove(): void };
    let common: string[];
    let machine: string;

    before(async () => {
      core = await RestartableCore.start();
      dir = tempDir('rf-agent-cli-core-');
      common = ['--config', join(dir.path, 'agent.json'), '--state-dir', join(dir.path, 'state')];
      machine = fakeMachineId(dir.path);
    });
    after(async () => {
      await core.close();
      dir.remove();
    });

    const register = async (extra: string[] = []) =>
      runAgentCli([
        'register',
        '--server',
        core.httpUrl,
        '--token',
        await core.createToken(),
        '--machine-id-file',
        machine,
        ...common,
        ...extra,
      ]);

    it('register: enrols, pins the server key, writes the config readable by its owner only', async () => {
      const res = await register(['--json']);
      assert.equal(res.code, 0, res.stderr);
      const out = JSON.parse(res.stdout);
      assert.equal(out.serverKeyId, core.core.keys.active().keyId);
      const config = JSON.parse(readFileSync(join(dir.path, 'agent.json'), 'utf8'));
      assert.equal(statSync(join(dir.path, 'agent.json')).mode & 0o777, 0o600);
      assert.deepEqual(Object.keys(config.serverKeys), [core.core.keys.active().keyId]);
      assert.equal(config.identity.agentId, out.agentId);
      assert.equal((await core.core.db.agents.findById(out.agentId))?.status, 'active');
    });

    it('register again: exit 7 without --force', async () => {
      const res = await register();
      assert.equal(res.code, 7);
      assert.match(
        res.stderr,
        /already registered as agent .* run `redflag-agent unregister` first or pass --force/,
      );
    });

    it('status shows the identity, the daemon and its connection while `run` runs; SIGTERM stops it with exit 0', async () => {
      const agent = await startAgentProcess(common);
      try {
        type Status = Record<string, unknown> & {
          daemon: { running: boolean; connection?: { state: string } };
        };
        const status = await until('status to show the connection', async () => {
          const res = await runAgentCli(['status', '--json', ...common]);
          assert.equal(res.code, 0, res.stderr);
          const parsed = JSON.parse(res.stdout) as Status;
          return parsed.daemon.connection?.state === 'connected' ? parsed : null;
        });
        assert.equal(status.registered, true);
        assert.equal(status.server, core.httpUrl);
        assert.equal(status.daemon.running, true);
        const human = await runAgentCli(['status', ...common]);
        assert.match(human.stdout, /^Connection: +connected since/m);
        // A second agent on the same identity is refused.
        const second = await runAgentCli(['run', ...common]);
        assert.equal(second.code, 4);
        assert.match(second.stderr, /another agent \(process \d+\) already runs/);
        assert.equal((await register(['--force'])).code, 4, 'no re-registration under a running agent');
      } finally {
        agent.child.kill('SIGTERM');
      }
      assert.equal(await agent.exited, 0, agent.output());
      const after = JSON.parse((await runAgentCli(['status', '--json', ...common])).stdout);
      assert.deepEqual(after.daemon, { running: false });
    });

    it('run: exit 5 on a config it cannot read, leaving the file alone', async () => {
      const bad = tempDir('rf-agent-cli-bad-');
      try {
        writeFileSync(join(bad.path, 'agent.json'), '{"formatVersion": 2, "server": ');
        const res = await runAgentCli([
          'run',
          '--config',
          join(bad.path, 'agent.json'),
          '--state-dir',
          join(bad.path, 's'),
        ]);
        assert.equal(res.code, 5);
        assert.match(res.stderr, /not valid JSON/);
        assert.equal(readFileSync(join(bad.path, 'agent.json'), 'utf8'), '{"formatVersion": 2, "server": ');
      } finally {
        bad.remove();
      }
    });

    it('unregister forgets the identity and its spool, keeps local settings', async () => {
      const res = await runAgentCli(['unregister', ...common]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /redflag agent revoke/);
      const config = JSON.parse(readFileSync(join(dir.path, 'agent.json'), 'utf8'));
      assert.equal(config.identity, undefined);
      assert.equal(config.formatVersion, 2);
      assert.ok(!existsSync(join(dir.path, 'state', 'spool')));
      assert.equal((await runAgentCli(['status', ...common])).code, 3);
    });

    it('register refuses a server whose key is not the one the token names (exit 6), saving nothing', async () => {
      const token = await core.createToken();
      // Rotated after the token was made: the core still accepts the token, but now signs
      // with a key the token does not vouch for.
      core.core.keys.rotate(24);
      const fresh = tempDir('rf-agent-cli-pin-');
      try {
        const config = join(fresh.path, 'agent.json');
        const res = await runAgentCli([
          'register',
          '--server',
          core.httpUrl,
          '--token',
          token,
          '--machine-id-file',
          fakeMachineId(fresh.path),
          '--config',
          config,
          '--state-dir',
          join(fresh.path, 'state'),
        ]);
        assert.equal(res.code, 6, res.stderr);
        assert.match(res.stderr, /is not the key this token was issued for/);
        assert.ok(!existsSync(config), 'nothing saved');
      } finally {
        fresh.remove();
      }
    });
  });
});
