import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FILLER = '.filler';

/**
 * A real small disk for fault tests (issue 25): a tmpfs of a few pages mounted on a temporary
 * directory, so writes fail with a real ENOSPC (and a real short write at the end of a page),
 * not a mocked file system. Mounting needs root, which the tests and CI have; a developer
 * machine without root skips these tests, CI fails them (`requireSmallDisks`).
 */
export class SmallDisk {
  private constructor(readonly path: string) {}

  static mount(sizeKiB = 64): SmallDisk {
    const path = mkdtempSync(join(tmpdir(), 'rf-small-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, 'tmpfs', path], {
        stdio: 'pipe',
      });
    } catch (err) {
      rmSync(path, { recursive: true, force: true });
      throw new Error(`cannot mount a ${sizeKiB} KiB tmpfs (needs root): ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new SmallDisk(path);
  }

  /** Takes every free byte with a filler file: from now on writes fail with ENOSPC. */
  fill(): void {
    const fd = openSync(join(this.path, FILLER), 'a');
    const chunk = Buffer.alloc(4096, 0x66);
    try {
      for (;;) if (writeSync(fd, chunk) === 0) break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
  }

  /** Gives the space back. */
  free(): void {
    try {
      unlinkSync(join(this.path, FILLER));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  unmount(): void {
    execFileSync('umount', ['-l', this.path], { stdio: 'pipe' });
    rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * For a `describe` whose tests need small disks: skipped without root on a developer machine,
 * failed in CI (where tests run as root and must not skip).
 */
export function requireSmallDisks(suite: Mocha.Suite): void {
  const root = process.getuid?.() === 0;
  if (root) return;
  suite.beforeEach(function () {
    if (process.env.CI === 'true')
      throw new Error('CI=true but not root: the full-disk tests cannot mount a tmpfs');
    this.skip();
  });
}
