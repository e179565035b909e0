import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, currentBootId, LockedError } from '../../../agent/files/lock.js';
import { tempDir } from '../../helpers/cli.js';

describe('agent lock file', () => {
  let dir: { path: string; remove(): void };
  beforeEach(() => (dir = tempDir('rf-lock-')));
  afterEach(() => dir.remove());

  it('is held by one process at a time and released', async () => {
    const path = join(dir.path, 'agent.lock');
    const lock = await acquireLock(path);
    await assert.rejects(
      acquireLock(path),
      (err: unknown) => err instanceof LockedError && err.holderPid === process.pid,
    );
    await lock.release();
    assert.ok(!existsSync(path));
    await (await acquireLock(path)).release();
  });

  it('takes over a lock whose process is gone, or from before a reboot', async () => {
    const path = join(dir.path, 'agent.lock');
    // PID 2^22+1 is above Linux's pid_max default: no such process.
    writeFileSync(path, JSON.stringify({ pid: 4_194_305, bootId: currentBootId() }));
    await (await acquireLock(path)).release();
    writeFileSync(path, JSON.stringify({ pid: process.pid, bootId: 'a-previous-boot' }));
    if (currentBootId()) await (await acquireLock(path)).release();
    writeFileSync(path, '{"pid":12');
    await (await acquireLock(path)).release();
  });
});
