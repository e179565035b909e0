import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { openPglite } from './pglite.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface ConnectOptions {
  /** postgres:// URL, or null for the embedded PGlite database. */
  url: string | null;
  /** Directory of the PGlite database files, or 'memory://' (tests). Ignored with a URL. */
  pgliteDir: string;
  schema: string;
  poolMax: number;
  connectTimeoutMs: number;
  /** The embedded database's PostgreSQL settings and compiler (config `database.pglite`). */
  pglite?: { settings?: Record<string, string | number>; optimizeWasm?: boolean };
  /** Where knex's own warnings go; failures reach the caller as thrown errors instead. */
  onLog?: (level: 'warn' | 'debug', message: string) => void;
}

/** Why the database could not be opened, already worded for a one-line start-up error. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export interface Connection {
  knex: Knex;
  kind: DatabaseKind;
  /** Where the data lives, passwords removed: safe for logs. */
  location: string;
  schema: string;
}

/**
 * knex writes to the console by default; a failed migration would print three lines before
 * our one clear error line. Its errors are thrown to us anyway, so they are not repeated here.
 */
function knexLog(options: ConnectOptions): Knex.Config['log'] {
  const forward = (level: 'warn' | 'debug') => (message: unknown) =>
    options.onLog?.(level, typeof message === 'string' ? message : JSON.stringify(message));
  return {
    warn: forward('warn'),
    deprecate: forward('warn'),
    debug: forward('debug'),
    error: forward('debug'),
  };
}

export async function connect(options: ConnectOptions): Promise<Connection> {
  if (options.url) return connectPostgres(options, options.url);
  return connectPglite(options);
}

async function connectPostgres(options: ConnectOptions, url: string): Promise<Connection> {
  const location = redactUrl(url);
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, connectionTimeoutMillis: options.connectTimeoutMs },
    searchPath: [options.schema],
    pool: { min: 0, max: options.poolMax },
    acquireConnectionTimeout: options.connectTimeoutMs,
    log: knexLog(options),
  });
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy().catch(() => {});
    throw new DatabaseUnavailableError(`database ${location} is unreachable: ${describeError(err)}`);
  }
  return { knex, kind: 'postgres', location, schema: options.schema };
}

async function connectPglite(options: ConnectOptions): Promise<Connection> {
  const inMemory = options.pgliteDir.startsWith('memory://');
  if (!inMemory) mkdirSync(options.pgliteDir, { recursive: true, mode: 0o700 });
  let pglite: PGlite;
  try {
    pglite = await openPglite({ dir: options.pgliteDir, ...options.pglite });
  } catch (err) {
    throw new DatabaseUnavailableError(
      `embedded database in ${options.pgliteDir} cannot be opened: ${describeError(err)}`,
    );
  }
  const knex = knexFactory({
    client: ClientPGLite as unknown as typeof knexFactory.Client,
    connection: { pglite } as unknown as Knex.StaticConnectionConfig,
    searchPath: [options.schema],
    log: knexLog(options),
  });
  return {
    knex,
    kind: 'pglite',
    location: inMemory ? 'PGlite (in memory)' : `PGlite ${options.pgliteDir}`,
    schema: options.schema,
  };
}

export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'db');
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describeError(err.errors[0]);
  if (err instanceof Error) return err.message || err.name || String((err as NodeJS.ErrnoException).code);
  return String(err);
}
