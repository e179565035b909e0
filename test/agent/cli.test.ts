import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const AGENT_BIN = new URL('../../bin/redflag-agent.js', import.meta.url).pathname;

describe('redflag-agent (command line entry point)', () => {
  it('prints its help and exits 0', () => {
    const res = spawnSync(process.execPath, [AGENT_BIN, '--help'], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^Usage: redflag-agent/);
    assert.match(res.stdout, /RedFlag host agent/);
  });

  it('prints the package version', () => {
    const res = spawnSync(process.execPath, [AGENT_BIN, '--version'], { encoding: 'utf8' });
    assert.equal(
      res.stdout.trim(),
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
  });
});
