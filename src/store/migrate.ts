import type { SqlClient, SqlExecutor } from './sql';
import { StoreError } from './store-error';

export interface Migration {
  /** 1, 2, 3, … with no gaps; recorded in schema_migrations once applied. */
  version: number;
  name: string;
  /** Statements run in order in one transaction. A list rather than one script: PGlite's parameterised `query` takes one statement at a time, and one list runs the same way on both backends. */
  sql: readonly string[];
}

export interface MigrationResult {
  /** The schema version after the run. */
  version: number;
  /** Versions this call applied (empty when another process, or an earlier start, did). */
  applied: number[];
}

// Key of the transaction-level advisory lock that serialises migration runs on one database.
// Arbitrary; it only has to differ from any other advisory lock taken on the same database.
const MIGRATION_LOCK_KEY = 7_301_920_514;

/**
 * Applies the migrations after the database's current version, up to `upTo` (default: all), each
 * in its own transaction. Each transaction first takes `pg_advisory_xact_lock`, then (re)reads the
 * recorded version: when two instances start at once against one PostgreSQL, the second waits,
 * sees the first one's work and applies nothing twice. The lock is released by COMMIT/ROLLBACK,
 * so a crashed migrator never leaves it held. A failing migration rolls back whole and throws.
 */
export async function migrate(sql: SqlClient, migrations: readonly Migration[], upTo: number = Number.POSITIVE_INFINITY): Promise<MigrationResult> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const known = migrations.length;
  const applied: number[] = [];
  for (;;) {
    const step = await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      const current = await currentVersion(tx);
      if (current > known) throw new StoreError('SCHEMA_TOO_NEW', `the database is at schema version ${current}; this build knows up to ${known}`);
      const next = migrations[current];
      if (next === undefined || next.version > upTo) return { version: current, ran: null };
      for (const statement of next.sql) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [next.version, next.name]);
      return { version: next.version, ran: next.version };
    });
    if (step.ran === null) return { version: step.version, applied };
    applied.push(step.ran);
  }
}

/** Creates schema_migrations when missing (inside the lock, so two creators cannot collide) and returns the highest applied version, 0 for an empty database. */
async function currentVersion(tx: SqlExecutor): Promise<number> {
  await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const [row] = await tx.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return row?.version ?? 0;
}
