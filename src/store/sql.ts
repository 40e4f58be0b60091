/**
 * The one seam between the repositories and a database: plain SQL text with `$1` parameters,
 * rows back as objects. Both backends speak PostgreSQL's dialect (PGlite *is* PostgreSQL, compiled
 * to WASM), so one statement text serves both and nothing translates it.
 *
 * No query builder (Kysely, Knex): two repositories and about a dozen statements, all visible in
 * their files, do not pay for a dependency and a second language to review. A builder earns its
 * keep when one code base must speak two dialects (the SQLite route of docs/store-and-audit.md), which this
 * store avoids by running PostgreSQL everywhere.
 */

/** What a parameter may be. jsonb/json values are passed as JSON text with a `$n::jsonb` cast, never as objects: `pg` would turn a JS array into a PostgreSQL array literal. */
export type SqlParam = string | number | boolean | null | Date;

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /** One statement. Returns its rows (use RETURNING to learn what an UPDATE or DELETE touched). */
  query<Row extends object = SqlRow>(text: string, params?: readonly SqlParam[]): Promise<Row[]>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `fn` inside BEGIN … COMMIT on one connection; rolls back and rethrows when `fn` throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Closes the connection(s). Idempotent. */
  close(): Promise<void>;
}
