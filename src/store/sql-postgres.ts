import { Pool, type PoolClient } from 'pg';
import type { Logger } from '../core/logger';
import type { SqlClient, SqlExecutor, SqlParam } from './sql';

export interface PostgresOptions {
  /** `postgres://user:password@host:port/database`. Never logged. */
  url: string;
  logger: Logger;
  /** Connections per process. Defaults to 5: the store runs one or two short statements per mutation. */
  maxConnections?: number;
  /** How long to wait for a connection (new or from the pool), in ms. Defaults to 5_000 (five seconds). */
  connectionTimeoutMs?: number;
  /** Server-side cap on one statement, in ms. Defaults to 10_000 (ten seconds): an audit insert that takes longer is treated as a store outage. */
  statementTimeoutMs?: number;
  /** Schema to create tables in and read from (`search_path`); tests use one schema per store. Defaults to the server's (public). */
  schema?: string;
}

/**
 * The shared backend: several gateway instances on one PostgreSQL server. A small `pg.Pool` per
 * process; each transaction holds one pooled connection from BEGIN to COMMIT.
 */
export function openPostgres(options: PostgresOptions): SqlClient {
  // The schema goes into a startup option string, so only a plain identifier is accepted.
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) throw new RangeError('schema must be a lower-case SQL identifier');
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 5,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    // Idle connections are closed after 30 s so a quiet instance holds none of the server's slots.
    idleTimeoutMillis: 30_000,
    application_name: 'staffgraph',
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // An idle connection that the server drops emits 'error' on the pool; unhandled it would crash
  // the process. The next query simply opens a new connection. Only the code is logged: pg's
  // messages can include the host.
  pool.on('error', (err: Error & { code?: string }) => options.logger.warn('store_connection_lost', { error: err.name, code: err.code ?? null }));

  const exec = (c: Pool | PoolClient): SqlExecutor => ({
    async query<Row extends object>(text: string, params: readonly SqlParam[] = []): Promise<Row[]> {
      return (await c.query(text, params as SqlParam[])).rows as Row[];
    },
  });
  let closed = false;
  return {
    ...exec(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(exec(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A failed ROLLBACK means the connection is unusable: release(err) destroys it instead of
        // returning it to the pool mid-transaction.
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
