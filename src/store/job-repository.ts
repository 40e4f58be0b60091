import type { SqlClient } from './sql';

/** DESIGN's job states: PENDING (not started), RUNNING, then SUCCEEDED, FAILED or PARTIAL. */
export type JobState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'PARTIAL';
/** One account's outcome in a job. SKIPPED: the gateway's own service account (never off-boarded). */
export type AccountOutcome = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | 'SKIPPED_UNSUPPORTED' | 'SKIPPED';

export interface StoredJobCaller {
  kind: 'JWT' | 'API_KEY' | 'NONE';
  id: string;
  name: string;
  scopes: string[];
  sources: string[] | null;
}

export interface JobAccountRow {
  idx: number;
  sourceId: string;
  /** Null for an account a provisioning job has not created yet. */
  nativeId: string | null;
  outcome: AccountOutcome;
  attempts: number;
  userErrors: Array<{ field: string | null; code: string; message: string }>;
  steps: Array<{ method: string; route: string; status: number | null; ok: boolean }>;
}

export interface JobRow {
  id: string;
  kind: 'PROVISION' | 'OFFBOARD';
  state: JobState;
  caller: StoredJobCaller;
  /** The job's input without write-only fields. */
  input: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
  accounts: JobAccountRow[];
}

export interface JobRepository {
  create(job: Omit<JobRow, 'createdAt' | 'updatedAt'>): Promise<void>;
  get(id: string): Promise<JobRow | null>;
  /** Jobs a crash or a stop left PENDING or RUNNING, oldest first: resumed at start. */
  unfinished(): Promise<JobRow[]>;
  setState(id: string, state: JobState): Promise<void>;
  /** This instance runs these jobs: their heartbeat is now. */
  heartbeat(ids: readonly string[], owner: string): Promise<void>;
  /**
   * Takes over unfinished jobs whose owner has not beaten for `staleMs` (a job's creation counts as
   * its first beat, so a job that has only just been created is not taken from its creator), for
   * `owner`; each job is taken by one instance only (the update is conditional). Oldest first.
   */
  claimOrphans(owner: string, staleMs: number): Promise<string[]>;
  updateAccount(id: string, a: JobAccountRow): Promise<void>;
}

interface JobSqlRow {
  id: string;
  kind: JobRow['kind'];
  state: JobState;
  caller: StoredJobCaller | string;
  input: Record<string, unknown> | string;
  created_at: Date;
  updated_at: Date;
}
interface AccountSqlRow {
  idx: number;
  source_id: string;
  native_id: string | null;
  outcome: AccountOutcome;
  attempts: number;
  user_errors: JobAccountRow['userErrors'] | string;
  steps: JobAccountRow['steps'] | string;
}

/** jsonb comes back parsed from PGlite and pg alike; a string is parsed too, to be safe. */
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function createJobRepository(sql: SqlClient): JobRepository {
  const load = async (rows: JobSqlRow[]): Promise<JobRow[]> => {
    const out: JobRow[] = [];
    for (const r of rows) {
      const accounts = await sql.query<AccountSqlRow>(`SELECT idx, source_id, native_id, outcome, attempts, user_errors, steps FROM job_accounts WHERE job_id = $1 ORDER BY idx`, [r.id]);
      out.push({
        id: r.id,
        kind: r.kind,
        state: r.state,
        caller: json(r.caller),
        input: json(r.input),
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
        accounts: accounts.map((a) => ({ idx: a.idx, sourceId: a.source_id, nativeId: a.native_id, outcome: a.outcome, attempts: a.attempts, userErrors: json(a.user_errors), steps: json(a.steps) })),
      });
    }
    return out;
  };
  const columns = `id, kind, state, caller, input, created_at, updated_at`;
  return {
    async create(job) {
      await sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO jobs (id, kind, state, caller, input) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`, [job.id, job.kind, job.state, JSON.stringify(job.caller), JSON.stringify(job.input)]);
        for (const a of job.accounts) {
          await tx.query(`INSERT INTO job_accounts (job_id, idx, source_id, native_id, outcome, attempts, user_errors, steps) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`, [
            job.id,
            a.idx,
            a.sourceId,
            a.nativeId,
            a.outcome,
            a.attempts,
            JSON.stringify(a.userErrors),
            JSON.stringify(a.steps),
          ]);
        }
      });
    },
    async get(id) {
      const [job] = await load(await sql.query<JobSqlRow>(`SELECT ${columns} FROM jobs WHERE id = $1`, [id]));
      return job ?? null;
    },
    async unfinished() {
      return load(await sql.query<JobSqlRow>(`SELECT ${columns} FROM jobs WHERE state IN ('PENDING', 'RUNNING') ORDER BY created_at, id`));
    },
    async heartbeat(ids, owner) {
      for (const id of ids) await sql.query(`UPDATE jobs SET owner = $2, heartbeat_at = now() WHERE id = $1`, [id, owner]);
    },
    async claimOrphans(owner, staleMs) {
      const rows = await sql.query<{ id: string }>(
        `UPDATE jobs SET owner = $1, heartbeat_at = now()
         WHERE state IN ('PENDING', 'RUNNING') AND (owner IS NULL OR owner <> $1)
           AND COALESCE(heartbeat_at, created_at) <= now() - ($2::int * interval '1 millisecond')
         RETURNING id`,
        [owner, staleMs],
      );
      return rows.map((r) => r.id);
    },
    async setState(id, state) {
      await sql.query(`UPDATE jobs SET state = $2, updated_at = now() WHERE id = $1`, [id, state]);
    },
    async updateAccount(id, a) {
      await sql.query(
        `UPDATE job_accounts SET native_id = $3, outcome = $4, attempts = $5, user_errors = $6::jsonb, steps = $7::jsonb, updated_at = now() WHERE job_id = $1 AND idx = $2`,
        [id, a.idx, a.nativeId, a.outcome, a.attempts, JSON.stringify(a.userErrors), JSON.stringify(a.steps)],
      );
    },
  };
}
