import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminRequest } from '../../core/api/index.js';
import { pgliteVersion } from '../../core/db/pglite.js';
import { cleanEnv, freePort, type RunningCore, startRedflag, tempDir } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `npm run build` (scripts/build.ts) makes a core that runs without the sources: only the
 * build, package.json and node_modules, as an image would hold them. It must still serve
 * install.sh, the agent bundle and the panel, and run the quick start's local agent.
 */
describe('npm run build: the compiled core runs without the sources', function () {
  this.timeout(300_000);
  let dir: { path: string; remove(): void } | null = null;
  let pkg = '';
  let dataDir = '';
  let core: RunningCore | null = null;

  before(async () => {
    dir = tempDir('rf-build-');
    pkg = join(dir.path, 'redflag');
    dataDir = join(dir.path, 'data');
    const built = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'scripts/build.ts'), '--out', join(pkg, 'dist')],
      { cwd: root, env: cleanEnv(), encoding: 'utf8' },
    );
    assert.equal(built.status, 0, `${built.stdout}\n${built.stderr}`);
    copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'));
    core = await startRedflag(
      [
        '--data-dir',
        dataDir,
        '--http-port',
        String(await freePort()),
        '--mqtt-port',
        String(await freePort()),
        '--local-agent',
      ],
      { cwd: pkg, entry: join(pkg, 'dist/core/cli.js'), readyTimeoutMs: 120_000 },
    );
  });
  after(async () => {
    if (core) {
      core.child.kill('SIGTERM');
      await core.exited;
    }
    dir?.remove();
  });

  it('ships a new embedded database made by its PGlite, which the first start copies instead of running initdb', () => {
    // initdb peaked above 700 MB (issue 26); test/core/db/pglite.test.ts shows the copy is used.
    const template = join(pkg, `dist/core/db/pglite-template-${pgliteVersion()}.tar.gz`);
    assert.ok(existsSync(template), `${template} is in the build`);
  });

  it('serves install.sh from the build, with its URL written in', async () => {
    assert.ok(existsSync(join(pkg, 'dist/agent/install/install.sh')), 'install.sh is in the build');
    const res = await fetch(`${core!.url}/install.sh`);
    assert.equal(res.status, 200, await res.clone().text());
    const script = await res.text();
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.ok(script.includes(`SERVER_URL='${core!.url}'`));
  });

  it('builds and serves the agent bundle from the compiled agent', async () => {
    const res = await fetch(`${core!.url}/api/v1/agent-bundle`);
    assert.equal(res.status, 200, await res.clone().text());
    const manifest = (await res.json()) as { version: string; url: string; size: number };
    const bundle = Buffer.from(await (await fetch(`${core!.url}${manifest.url}`)).arrayBuffer());
    assert.equal(bundle.length, manifest.size);
    assert.match(bundle.toString('utf8', 0, 100), new RegExp(`^// redflag-agent ${manifest.version} `));
  });

  it('serves the panel (npm test builds it first)', async () => {
    assert.ok(existsSync(join(root, 'panel/dist/index.html')), 'run npm run build:panel before this test');
    assert.ok(existsSync(join(pkg, 'dist/panel/dist/index.html')), 'the panel is in the build');
    const res = await fetch(`${core!.url}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<rf-app/);
  });

  it("runs the quick start's local agent from the build, which comes online", async () => {
    const socket = join(dataDir, 'redflag.sock');
    let agents: Array<{ online: boolean }> = [];
    for (let i = 0; i < 1200 && !(agents.length === 1 && agents[0]!.online); i++) {
      agents = await adminRequest(socket, 'GET', '/v1/agents');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(agents.length, 1, `the local agent did not enrol:\n${core!.output().slice(-3000)}`);
    assert.equal(agents[0]!.online, true, 'the local agent did not come online');
  });
});
