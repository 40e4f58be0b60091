import { MAX_KEY, MAX_TEXT, exactKey } from './bounds';
import type { SqlExecutor } from './sql';
import { StoreError } from './store-error';
import type { IdempotencyClaim, IdempotencyRepository } from './types';

interface KeyRow {
  fingerprint: string;
  state: 'in_flight' | 'done';
  payload: unknown;
}

// Inserts the claim, or takes over a row whose time is up; a live row is left alone and nothing
// is returned. Under READ COMMITTED a second concurrent INSERT waits for the first to commit and
// then re-checks the WHERE against the committed row, so exactly one claimant gets a row back —
// on one PostgreSQL across processes, and trivially on single-connection PGlite. Times come from
// the database's clock (now()), never the instance's.
const CLAIM = `INSERT INTO idempotency_keys AS k (key, fingerprint, state, payload, created_at, expires_at)
  VALUES ($1, $2, 'in_flight', NULL, now(), now() + make_interval(secs => $3::double precision / 1000))
  ON CONFLICT (key) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint, state = 'in_flight', payload = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
    WHERE k.expires_at <= now()
  RETURNING key`;
const GET = `SELECT fingerprint, state, payload FROM idempotency_keys WHERE key = $1 AND expires_at > now()`;

// A claim that loses, then finds the row gone (released between the two statements), tries again;
// this many times in a row means a pathological release loop, reported to the caller instead.
const CLAIM_ATTEMPTS = 5;

export interface SqlIdempotencyRepository extends IdempotencyRepository {
  /** Deletes expired keys (a claim replaces one anyway; this keeps the table from growing). Returns how many. Run at open. */
  purgeExpired(): Promise<number>;
}

/**
 * Durable idempotency records (docs/store-and-audit.md). Keys and fingerprints are refused, never cut, when
 * over-long or not plain text. A plain object of functions, so a test can spread it and replace one.
 */
export function createIdempotencyRepository(sql: SqlExecutor): SqlIdempotencyRepository {
  const read = async (key: string): Promise<IdempotencyClaim | null> => {
    const [row] = await sql.query<KeyRow>(GET, [key]);
    if (!row) return null;
    return row.state === 'done' ? { state: 'done', fingerprint: row.fingerprint, payload: row.payload } : { state: 'in_flight', fingerprint: row.fingerprint };
  };
  return {
    async claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim> {
      const k = exactKey(key, MAX_KEY, 'key');
      const f = exactKey(fingerprint, MAX_TEXT, 'fingerprint');
      if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw new StoreError('INVALID_RECORD', 'ttlMs must be a positive number of milliseconds');
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        if ((await sql.query(CLAIM, [k, f, ttlMs])).length === 1) return { state: 'claimed' };
        const existing = await read(k);
        if (existing) return existing;
      }
      throw new StoreError('IDEMPOTENCY_CONTENDED', 'claim: the key was released repeatedly while claiming');
    },

    async complete(key: string, payload: unknown): Promise<void> {
      // JSON.stringify(undefined) is undefined, not text: a payload-less result is stored as null.
      const json = JSON.stringify(payload) ?? 'null';
      const rows = await sql.query(`UPDATE idempotency_keys SET state = 'done', payload = $2::json WHERE key = $1 AND state = 'in_flight' RETURNING key`, [exactKey(key, MAX_KEY, 'key'), json]);
      if (rows.length === 0) throw new StoreError('IDEMPOTENCY_NOT_CLAIMED', 'complete: the key is not claimed');
    },

    async release(key: string): Promise<void> {
      // Only an in-flight claim: a completed result stays replayable until it expires.
      await sql.query(`DELETE FROM idempotency_keys WHERE key = $1 AND state = 'in_flight'`, [exactKey(key, MAX_KEY, 'key')]);
    },

    async get(key: string): Promise<IdempotencyClaim | null> {
      return read(exactKey(key, MAX_KEY, 'key'));
    },

    async purgeExpired(): Promise<number> {
      const [row] = await sql.query<{ n: string | number }>(`WITH gone AS (DELETE FROM idempotency_keys WHERE expires_at <= now() RETURNING 1) SELECT count(*) AS n FROM gone`);
      return Number(row.n);
    },
  };
}
