import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { adminRequest } from '../../core/api/index.js';
import { freePort, startRedflag, tempDir } from '../helpers/cli.js';

/** Processes whose command line mentions `text` (this test's own data directory). */
function processesMentioning(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(text) && !line.includes(' ps '));
}

describe('redflag serve --local-agent (the quick start)', function () {
  this.timeout(90_000);
  const dir = tempDir();
  after(() => dir.remove());

  it('enrols and runs an agent for this host, which comes online, and stops it with the core', async () => {
    const dataDir = join(dir.path, 'data');
    const core = await startRedflag([
      '--data-dir',
      dataDir,
      '--http-port',
      String(await freePort()),
      '--mqtt-port',
      String(await freePort()),
      '--local-agent',
    ]);
    try {
      const socket = join(dataDir, 'redflag.sock');
      let agents: Array<{ hostname: string; online: boolean; agentVersion: string }> = [];
      for (let i = 0; i < 300 && !(agents.length === 1 && agents[0]!.online); i++) {
        agents = await adminRequest(socket, 'GET', '/v1/agents');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(agents.length, 1, 'the local agent did not enrol');
      assert.equal(agents[0]!.online, true, 'the local agent did not come online');
      assert.ok(processesMentioning(join(dataDir, 'local-agent')).length > 0, 'no local agent process');
    } finally {
      core.child.kill('SIGTERM');
      assert.equal(await core.exited, 0);
    }
    assert.deepEqual(
      processesMentioning(join(dataDir, 'local-agent')),
      [],
      'the local agent outlived the core',
    );
  });
});
