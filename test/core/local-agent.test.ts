import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminRequest } from '../../core/api/index.js';
import { freePort, startRedflag, tempDir } from '../helpers/cli.js';
import { onPath } from '../plugins/apt/helpers/requirements.js';

/** Processes whose command line mentions `text` (this test's own data directory). */
function processesMentioning(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(text) && !line.includes(' ps '));
}

describe('redflag serve --local-agent (the quick start)', function () {
  this.timeout(240_000);
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
      let agents: Array<{ id: string; hostname: string; online: boolean; agentVersion: string }> = [];
      for (let i = 0; i < 300 && !(agents.length === 1 && agents[0]!.online); i++) {
        agents = await adminRequest(socket, 'GET', '/v1/agents');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(agents.length, 1, 'the local agent did not enrol');
      assert.equal(agents[0]!.online, true, 'the local agent did not come online');
      assert.ok(processesMentioning(join(dataDir, 'local-agent')).length > 0, 'no local agent process');

      // What the quick start promises: this host's real pending updates in the API, without a
      // command (the agent scans on its own shortly after its first start).
      if (!onPath('apt')) return;
      const cacheFile = join(dataDir, 'local-agent/state/cache/scan-apt.json');
      let scanned: { last: { error?: string }; packages: unknown[] } | null = null;
      for (let i = 0; i < 1200 && !scanned; i++) {
        if (existsSync(cacheFile)) scanned = JSON.parse(readFileSync(cacheFile, 'utf8'));
        else await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(scanned, 'the local agent did not scan apt');
      assert.equal(scanned.last.error, undefined);
      const upgradable = execFileSync('apt', ['list', '--upgradable'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .split('\n')
        .filter((l) => l.includes('[upgradable from:')).length;
      assert.equal(scanned.packages.length, upgradable, 'the scan found what apt lists');
      const { token } = await adminRequest<{ token: string }>(socket, 'POST', '/v1/api-tokens', {
        name: 'local-agent-test',
        role: 'viewer',
      });
      const agentId = agents[0]!.id;
      let pending = -1;
      for (let i = 0; i < 300 && pending !== upgradable; i++) {
        const res = await fetch(`${core.url}/api/v1/agents/${agentId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        pending = ((await res.json()) as { pending: { total: number } }).pending.total;
        if (pending !== upgradable) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(pending, upgradable, "the API shows this host's pending updates");
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
