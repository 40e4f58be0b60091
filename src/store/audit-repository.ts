import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import { AUDIT_COLUMNS, OUTCOMES, boundSteps, fromRow, insertParams, type AuditRow } from './audit-row';
import { MAX_CODE, MAX_TEXT, boundText, boundTextOrNull, oneOf, validDate } from './bounds';
import type { SqlExecutor, SqlParam } from './sql';
import { StoreError } from './store-error';
import type { AuditEventRecord, AuditFilter, AuditOutcome, AuditPage, AuditRepository, AuditStep } from './types';

/** Largest page `list` returns, whatever `first` asks for. */
export const MAX_AUDIT_PAGE = 1_000;
/** Rows per `scan` batch by default: bounded memory for an export of any size. */
export const SCAN_BATCH = 500;

const SELECT = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_events`;
const INSERT = `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES (${AUDIT_COLUMNS.map((c, i) => `$${i + 1}${c === 'changed_fields' || c === 'steps' || c === 'user_ids' ? '::jsonb' : ''}`).join(', ')})`;

// A completion may also land on a row another instance's start-up already turned UNKNOWN (with
// PostgreSQL, instance B's recoverPending cannot tell A's in-flight write from a crash): the late,
// real outcome then replaces the guess.
const COMPLETABLE = `(outcome = 'PENDING' OR (outcome = 'UNKNOWN' AND error_code = 'OUTCOME_UNKNOWN'))`;

/**
 * The audit trail on either backend (docs/store-and-audit.md). Every value is bounded here before it is
 * written. A plain object of functions (not a class instance), so a test can spread it and
 * replace one method: `{ ...store.audit, insert: failing }` keeps the others.
 *
 * `scanBatch`: rows per `scan` batch, defaults to SCAN_BATCH (500); tests use a few.
 */
export function createAuditRepository(sql: SqlExecutor, options: { scanBatch?: number } = {}): AuditRepository {
  const scanBatch = options.scanBatch ?? SCAN_BATCH;
  return {
    async insert(event: AuditEventRecord): Promise<void> {
      await sql.query(INSERT, insertParams(event));
    },

    async complete(id: string, result: { outcome: Exclude<AuditOutcome, 'PENDING'>; errorCode: string | null; steps: AuditStep[]; target?: { id: string | null; nativeId: string | null } }): Promise<void> {
      const params: SqlParam[] = [
        boundText(id, MAX_TEXT),
        oneOf(result.outcome, OUTCOMES.filter((o) => o !== 'PENDING'), 'outcome'),
        boundTextOrNull(result.errorCode, MAX_CODE),
        JSON.stringify(boundSteps(result.steps)),
      ];
      let set = 'outcome = $2, error_code = $3, steps = $4::jsonb';
      if (result.target) {
        params.push(boundTextOrNull(result.target.id, MAX_TEXT), boundTextOrNull(result.target.nativeId, MAX_TEXT));
        set += ', target_id = $5, target_native_id = $6';
      }
      const rows = await sql.query(`UPDATE audit_events SET ${set} WHERE id = $1 AND ${COMPLETABLE} RETURNING id`, params);
      if (rows.length === 0) throw new StoreError('AUDIT_EVENT_NOT_PENDING', 'complete: no PENDING audit event with this id');
    },

    async list(filter: AuditFilter, first: number, after: string | null): Promise<AuditPage> {
      if (!Number.isInteger(first) || first < 0) throw new StoreError('INVALID_RECORD', 'first must be a non-negative integer');
      const limit = Math.min(first, MAX_AUDIT_PAGE);
      const { where, params } = filterSql(filter);
      if (after !== null) {
        const position = decodeAuditCursor(after);
        // A row comparison the (…, at DESC, id DESC) indexes answer as one range.
        where.push(`(at, id) < ($${params.push(position.at)}, $${params.push(position.id)})`);
      }
      // One row more than asked tells whether there is a next page.
      const text = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.push(limit + 1)}`;
      const rows = await sql.query<AuditRow>(text, params);
      const events = rows.slice(0, limit).map(fromRow);
      const last = events[events.length - 1];
      return { events, endCursor: last ? encodeAuditCursor(last) : null, hasNextPage: rows.length > limit };
    },

    async scan(since: Date | null, onBatch: (events: AuditEventRecord[]) => Promise<void> | void): Promise<number> {
      const from = since === null ? null : validDate(since, 'since');
      let total = 0;
      let last: { at: Date; id: string } | null = null;
      for (;;) {
        const where: string[] = [];
        const params: SqlParam[] = [];
        if (from) where.push(`at >= $${params.push(from)}`);
        if (last) where.push(`(at, id) > ($${params.push(last.at)}, $${params.push(last.id)})`);
        const text = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at, id LIMIT $${params.push(scanBatch)}`;
        const events = (await sql.query<AuditRow>(text, params)).map(fromRow);
        if (events.length === 0) return total;
        total += events.length;
        await onBatch(events);
        if (events.length < scanBatch) return total;
        last = events[events.length - 1];
      }
    },

    async recoverPending(): Promise<number> {
      const rows = await sql.query(`UPDATE audit_events SET outcome = 'UNKNOWN', error_code = 'OUTCOME_UNKNOWN' WHERE outcome = 'PENDING' RETURNING id`);
      return rows.length;
    },

    async count(): Promise<number> {
      const [row] = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM audit_events');
      // pg returns bigint as a string, PGlite as a number.
      return Number(row.n);
    },
  };
}

/**
 * WHERE conditions for a filter. Filter values are bounded and escaped like stored values, so a
 * name with a newline matches the escaped form it was stored as.
 */
function filterSql(filter: AuditFilter): { where: string[]; params: SqlParam[] } {
  const where: string[] = [];
  const params: SqlParam[] = [];
  const eq = (column: string, value: string | null | undefined, max: number) => {
    if (value != null) where.push(`${column} = $${params.push(boundText(value, max))}`);
  };
  eq('actor_id', filter.actor, MAX_TEXT);
  eq('source_id', filter.source, MAX_TEXT);
  eq('action', filter.action, MAX_CODE);
  if (filter.target != null) {
    const n = params.push(boundText(filter.target, MAX_TEXT));
    where.push(`(target_id = $${n} OR target_native_id = $${n})`);
  }
  if (filter.outcome != null) where.push(`outcome = $${params.push(oneOf(filter.outcome, OUTCOMES, 'filter.outcome'))}`);
  if (filter.from != null) where.push(`at >= $${params.push(validDate(filter.from, 'filter.from'))}`);
  if (filter.to != null) where.push(`at < $${params.push(validDate(filter.to, 'filter.to'))}`);
  return { where, params };
}
