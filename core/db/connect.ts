import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import type pg from 'pg';
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
  /**
   * The longest a statement may take, waiting for a pooled connection included, before it ends
   * with an error (issue 25 §4): PostgreSQL's `statement_timeout`, the pool's acquire time and
   * a client-side timer for a server that does not answer at all. PGlite runs in this process
   * and cannot stop answering, so it is not bounded.
   */
  queryTimeoutMs: number;
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
  /** Runs `work` on a knex without the query time limit (migrations). */
  unbounded<T>(work: (knex: Knex) => Promise<T>): Promise<T>;
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
  const knex = postgresKnex(options, url, options.queryTimeoutMs);
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy().catch(() => {});
    throw new DatabaseUnavailableError(`database ${location} is unreachable: ${describeError(err)}`);
  }
  return {
    knex,
    kind: 'postgres',
    location,
    schema: options.schema,
    unbounded: async (work) => {
      // Migrations only: a schema change of a large table may take longer than any query should.
      const own = postgresKnex({ ...options, poolMax: 1 }, url, 0);
      try {
        return await work(own);
      } finally {
        await own.destroy();
      }
    },
  };
}

/** How much later than the server's own limit the client gives up on a silent server. */
const CLIENT_MARGIN_MS = 1000;

/** `queryTimeoutMs` 0: no bound (migrations). */
function postgresKnex(options: ConnectOptions, url: string, queryTimeoutMs: number): Knex {
  return knexFactory({
    client: 'pg',
    connection: {
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      ...(queryTimeoutMs > 0
        ? { statement_timeout: queryTimeoutMs, query_timeout: queryTimeoutMs + CLIENT_MARGIN_MS }
        : {}),
    },
    searchPath: [options.schema],
    pool: { min: 0, max: options.poolMax, afterCreate: disposeAfterReadTimeout },
    // Taking a connection may mean opening one: never shorter than the connect time limit.
    acquireConnectionTimeout: Math.max(queryTimeoutMs, options.connectTimeoutMs),
    log: knexLog(options),
  });
}

type KnexPgClient = pg.Client & { __knex__disposed?: unknown };

/**
 * node-postgres gives up on a query the server does not answer (`query_timeout`) but keeps the
 * connection, still waiting for that answer, so every later query on it would queue behind it:
 * marked disposed, knex's pool closes it instead of lending it again.
 */
function disposeAfterReadTimeout(client: KnexPgClient, done: (err: Error | null, c: unknown) => void) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function')
      args[last] = (err: Error | null, result: unknown) => {
        if (err?.message === 'Query read timeout') client.__knex__disposed = err;
        (callback as (e: Error | null, r: unknown) => void)(err, result);
      };
    return query(...args);
  };
  done(null, client);
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
    unbounded: (work) => work(knex),
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
