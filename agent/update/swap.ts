import { link, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../files/atomic.js';

export const bundleFiles = (dir: string) => ({
  current: join(dir, 'redflag-agent.mjs'),
  // .mjs at the end: node picks the module format from the extension (the --version check runs it).
  next: join(dir, 'redflag-agent.new.mjs'),
  previous: join(dir, 'redflag-agent.previous.mjs'),
});

/** Writes the downloaded bundle beside the current one (fsynced), not yet in use. */
export async function stageBundle(dir: string, code: Buffer): Promise<string> {
  const { next } = bundleFiles(dir);
  await writeFileAtomic(next, code, { mode: 0o644 });
  return next;
}

/**
 * Puts the staged bundle in place: the current one is kept as the previous version (a hard
 * link, renamed over the old previous), then the new one is renamed over the current. Each step
 * is one rename, so the current path always holds a complete bundle.
 */
export async function swapInStaged(dir: string): Promise<void> {
  const { current, next, previous } = bundleFiles(dir);
  const keep = `${previous}.tmp`;
  await rm(keep, { force: true });
  await link(current, keep);
  await rename(keep, previous);
  await rename(next, current);
  await fsyncDir(dir);
}
