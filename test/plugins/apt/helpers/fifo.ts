import { spawnSync } from 'node:child_process';
import { constants, type promises as fsp, openSync, closeSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * A named pipe a real program reads (apt's dpkg status file, a maintainer script's gate). The
 * program blocks on it until the test writes, so "it is running now" and "let it go on" are
 * events the test controls, without timing.
 */
export class Fifo {
  private writer: fsp.FileHandle | null = null;
  private opening: Promise<fsp.FileHandle> | null = null;
  private removed = false;

  private constructor(readonly path: string) {}

  static create(path: string): Fifo {
    const made = spawnSync('mkfifo', ['-m', '0600', path], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr}`);
    return new Fifo(path);
  }

  /** Resolves once a reader has opened the pipe (the program got there); the test holds it open. */
  async readerOpened(): Promise<void> {
    this.opening ??= open(this.path, 'w');
    this.writer = await this.opening;
  }

  /** Writes to the reader; false when it has gone (EPIPE: the program was stopped). */
  async write(text: string): Promise<boolean> {
    await this.readerOpened();
    try {
      await this.writer!.write(text);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') return false;
      throw err;
    }
  }

  /** Closes the test's end (the reader sees the end of the file) and removes the pipe. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    if (this.opening && !this.writer) {
      // Nobody opened it: a reader of our own completes the pending open.
      const reader = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
      await this.opening.then((w) => (this.writer = w));
      closeSync(reader);
    }
    await this.writer?.close().catch(() => {});
    this.writer = null;
    rmSync(this.path, { force: true });
  }
}
