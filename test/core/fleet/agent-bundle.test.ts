import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentBundleProvider, buildAgentBundle, bundleVersionOf } from '../../../core/fleet/index.js';
import { createLogger } from '../../../core/log/index.js';
import { tempDir } from '../../helpers/cli.js';
import { requireOrSkip } from '../../plugins/apt/helpers/requirements.js';

describe('the agent bundle (one file, run by node alone)', function () {
  this.timeout(180_000);
  const dir = tempDir('rf-bundle-');
  const bundle = join(dir.path, 'redflag-agent.mjs');
  const run = (args: string[]) =>
    spawnSync(process.execPath, [bundle, ...args], {
      encoding: 'utf8',
      cwd: dir.path,
      env: { PATH: process.env.PATH },
    });

  before(async () => {
    // Outside the repository, with no node_modules and no tsx: only node and the file.
    const { code } = await buildAgentBundle({ version: '0.9.9-bundle' });
    writeFileSync(bundle, code);
  });
  after(() => dir.remove());

  it('names its version on the first line and answers --version and --help', () => {
    const code = Buffer.from(run(['--version']).stdout);
    assert.equal(code.toString().trim(), '0.9.9-bundle');
    const help = run(['--help']);
    assert.equal(help.status, 0, help.stderr);
    for (const command of ['register', 'run', 'scan', 'list-updates', 'status', 'unregister'])
      assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`));
    assert.equal(bundleVersionOf(Buffer.from('// redflag-agent 1.2.3 (single-file bundle)\n')), '1.2.3');
    assert.equal(bundleVersionOf(Buffer.from('console.log(1)\n')), null);
  });

  it('is small in memory: no comments or indentation, and only Latin-1 characters (V8 keeps one byte each)', async () => {
    // V8 holds a module's whole source while it runs; one character above U+00FF makes it two
    // bytes a character (a regex literal with a symbol in it did: write it as \uXXXX).
    const { code } = await buildAgentBundle({ version: '0.9.9-bundle' });
    const text = code.toString('utf8');
    const wide = [...text.matchAll(/[\u0100-\u{10ffff}]/gu)].map((m) =>
      text.slice(Math.max(0, m.index - 40), m.index + 10),
    );
    assert.deepEqual(wide, [], 'characters above U+00FF in the bundle');
    const lines = text.split('\n').length;
    assert.ok(lines < 200, `the bundle is minified (${lines} lines)`);
  });

  it('scans this machine with the real apt plugin', function () {
    requireOrSkip(
      this,
      { commands: ['apt', 'apt-get', 'dpkg-query'] },
      'Debian: apt is part of the base system',
    );
    const config = join(dir.path, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({ formatVersion: 2, plugins: { apt: { updateBeforeScan: false } } }),
    );
    mkdirSync(join(dir.path, 'state'));
    const scan = run([
      'scan',
      '--plugin',
      'apt',
      '--json',
      '--config',
      config,
      '--state-dir',
      join(dir.path, 'state'),
    ]);
    assert.equal(scan.status, 0, scan.stderr);
    const report = JSON.parse(scan.stdout) as {
      agentVersion: string;
      plugins: Array<{ plugin: string; complete: boolean; error: unknown }>;
      packages: unknown[];
    };
    assert.equal(report.agentVersion, '0.9.9-bundle');
    assert.deepEqual(
      report.plugins.map((p) => [p.plugin, p.complete, p.error]),
      [['apt', true, null]],
    );
    assert.ok(Array.isArray(report.packages));
  });

  it('is built once into the data directory and reused while its sources are unchanged', async () => {
    const dataDir = join(dir.path, 'data');
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const first = await AgentBundleProvider.start({
      dataDir,
      configuredPath: null,
      version: '0.9.9',
      logger,
    }).ready();
    const second = await AgentBundleProvider.start({
      dataDir,
      configuredPath: null,
      version: '0.9.9',
      logger,
    }).ready();
    assert.equal(second.sha256, first.sha256);
    assert.equal(lines.filter((l) => l.includes('agent bundle built from the sources')).length, 1);
  });
});
