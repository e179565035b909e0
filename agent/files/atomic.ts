import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that a crash leaves either the old or the new content, never a torn one:
 * a temporary file next to it is written and fsynced, renamed over the target, and the
 * directory is fsynced so the rename itself survives a power cut (spool and journal rely on it).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  opts: { mode?: number; fsync?: boolean } = {},
): Promise<void> {
  const mode = opts.mode ?? 0o600;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    await handle.writeFile(data);
    if (opts.fsync !== false) await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await handle.close();
  // The umask may have narrowed the mode of a new file; an old file may have had a wider one.
  await chmod(tmp, mode);
  await rename(tmp, path);
  if (opts.fsync !== false) await fsyncDir(dirname(path));
}

/** Makes a rename or unlink in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeJsonAtomic(
  path: string,
  value: unknown,
  opts: { mode?: number; fsync?: boolean } = {},
): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, opts);
}

/** The text of a file, or null when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The parsed JSON of a file, or null when it does not exist. Throws on unreadable content. */
export async function readJsonIfExists(path: string): Promise<unknown> {
  const text = await readTextIfExists(path);
  return text === null ? null : (JSON.parse(text) as unknown);
}

/** Is this a temporary file left behind by writeFileAtomic (a crash mid-write)? */
export function isAtomicTemp(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
