import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * PostgreSQL settings of the embedded database, for the boxes Home Assistant runs on (issue 26;
 * what each saved is in docs/decisions.md). PGlite's own defaults are a server's: 128 MB of
 * shared buffers, 100 connections for a database only this process opens. `database.pglite.settings`
 * is merged over these.
 */
export const PGLITE_SMALL_BOX_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '8MB',
  max_connections: '5',
  maintenance_work_mem: '16MB',
  temp_buffers: '2MB',
};

export interface PgliteOptions {
  /** A directory, or 'memory://' (tests). */
  dir: string;
  /** PostgreSQL settings over PGLITE_SMALL_BOX_SETTINGS. */
  settings?: Record<string, string | number>;
  /**
   * false: V8 runs PGlite's WebAssembly with its baseline compiler only (--liftoff-only): about
   * 70 MB less in the core than with its optimising one, for slower queries. Process-wide, so the
   * first open decides.
   */
  optimizeWasm?: boolean;
  /** The template a new data directory is copied from, when the file exists; tests name their own. */
  template?: string;
}

/** `-c name=value` pairs after PGlite's own start parameters. */
export function pgliteStartParams(settings: Record<string, string | number> = {}): string[] {
  const merged = { ...PGLITE_SMALL_BOX_SETTINGS, ...settings };
  return [
    ...PGlite.defaultStartParams,
    ...Object.entries(merged).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
}

/** The installed PGlite's version: a data-directory template is used only by the PGlite that made it. */
export function pgliteVersion(): string {
  const main = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const root = dirname(dirname(main)); // <package>/dist/index.cjs
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Where `npm run build` leaves a new data directory made by this PGlite's initdb (beside the
 * compiled module: dist/core/db/). Loading it on first start instead of running initdb keeps
 * the peak near a normal start's: initdb runs a second PostgreSQL instance beside the first
 * and peaked above 700 MB.
 */
export function pgliteTemplatePath(version = pgliteVersion(), dir = dirname(fileURLToPath(import.meta.url))) {
  return join(dir, `pglite-template-${version}.tar.gz`);
}

let wasmCompilerChosen = false;

export async function openPglite(options: PgliteOptions): Promise<PGlite> {
  if (options.optimizeWasm === false && !wasmCompilerChosen) setFlagsFromString('--liftoff-only');
  wasmCompilerChosen = true;
  const isNew = !options.dir.startsWith('memory://') && !existsSync(join(options.dir, 'PG_VERSION'));
  const template = isNew ? (options.template ?? pgliteTemplatePath()) : null;
  const pglite = new PGlite(options.dir, {
    // pg_trgm indexes the free-text search of package names, as on PostgreSQL.
    extensions: { pg_trgm },
    startParams: pgliteStartParams(options.settings),
    ...(template && existsSync(template) ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
  });
  await pglite.waitReady;
  return pglite;
}

/** A new data directory as PGlite's initdb makes it, gzipped (npm run build). */
export async function dumpNewPgliteDataDir(): Promise<Buffer> {
  const pglite = new PGlite('memory://');
  try {
    await pglite.waitReady;
    const tarball = await pglite.dumpDataDir('gzip');
    return Buffer.from(await tarball.arrayBuffer());
  } finally {
    await pglite.close();
  }
}
