import type { FacilityAccessRecord, FacilityRecord, UserRecord, UserTypeRecord } from '../core/model';
import type { SqlClient, SqlExecutor } from './sql';

/** One user as the mirror holds it: the record with its relations, as one vendor read saw them. */
export interface MirroredUser {
  user: UserRecord;
  userTypes: UserTypeRecord[];
  facilityAccess: FacilityAccessRecord[];
  /** When this copy was last read from the vendor on its own (a gateway write); null: by the source's refresh. */
  syncedAt: Date | null;
}

export interface MirrorCatalogs {
  userTypes: UserTypeRecord[];
  facilities: FacilityRecord[];
}

export type ChangeKind = 'CREATED' | 'UPDATED' | 'DEACTIVATED' | 'REACTIVATED' | 'DELETED';

export interface UserChangeRow {
  sourceId: string;
  nativeId: string;
  kind: ChangeKind;
  /** Names of unified fields that changed (never values). */
  changedFields: string[];
  origin: 'refresh' | 'write';
}

export interface StoredChange extends UserChangeRow {
  seq: number;
  at: Date;
}

export interface MirrorStateRow {
  lastSyncAt: Date | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
}

export interface StoredSource {
  users: MirroredUser[];
  catalogs: MirrorCatalogs | null;
  state: MirrorStateRow;
}

export interface MirrorRepository {
  /** Everything stored for one source (the snapshot a restart starts from). */
  load(sourceId: string): Promise<StoredSource>;
  /**
   * Applies one refresh: the users that changed or appeared, the ones that disappeared, the
   * catalogs, the changes found and the new sync time — in one transaction, so a crash leaves
   * the previous copy whole.
   */
  applyRefresh(sourceId: string, r: { upserts: MirroredUser[]; deletes: string[]; catalogs: MirrorCatalogs; changes: UserChangeRow[]; syncedAt: Date }): Promise<void>;
  /** A gateway write: one user replaced (or removed when `user` is null), and its change. */
  applyWrite(sourceId: string, nativeId: string, user: MirroredUser | null, change: UserChangeRow | null): Promise<void>;
  /** The source's sync state alone (cheap): another instance's refresh shows here first. */
  state(sourceId: string): Promise<MirrorStateRow>;
  /** A refresh that failed: the copy stays, the error is recorded. */
  recordFailure(sourceId: string, error: string, at: Date): Promise<void>;
  /** The change feed after `afterSeq` (0: from the start), oldest first, for the given sources. */
  changes(afterSeq: number, sources: readonly string[], first: number): Promise<StoredChange[]>;
}

interface UserRow {
  record: SerializedUser | string;
  synced_at: Date | string;
}
interface SerializedUser {
  user: Record<string, unknown>;
  userTypes: UserTypeRecord[];
  facilityAccess: FacilityAccessRecord[];
}
const DATE_FIELDS = ['createdAt', 'updatedAt', 'lastLoginAt'] as const;

function serialize(m: MirroredUser): string {
  return JSON.stringify({ user: m.user, userTypes: m.userTypes, facilityAccess: m.facilityAccess });
}

function revive(row: UserRow): MirroredUser {
  const s = (typeof row.record === 'string' ? JSON.parse(row.record) : row.record) as SerializedUser;
  const user = { ...s.user } as Record<string, unknown>;
  for (const f of DATE_FIELDS) user[f] = user[f] == null ? null : new Date(user[f] as string);
  return { user: user as unknown as UserRecord, userTypes: s.userTypes, facilityAccess: s.facilityAccess, syncedAt: new Date(row.synced_at) };
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

async function upsert(tx: SqlExecutor, sourceId: string, m: MirroredUser, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO mirror_users (source_id, native_id, record, synced_at) VALUES ($1, $2, $3::json, $4)
     ON CONFLICT (source_id, native_id) DO UPDATE SET record = EXCLUDED.record, synced_at = EXCLUDED.synced_at`,
    [sourceId, m.user.nativeId, serialize(m), at],
  );
}

async function insertChanges(tx: SqlExecutor, changes: readonly UserChangeRow[]): Promise<void> {
  for (const c of changes) {
    await tx.query(`INSERT INTO user_changes (source_id, native_id, kind, changed_fields, origin) VALUES ($1, $2, $3, $4::json, $5)`, [c.sourceId, c.nativeId, c.kind, JSON.stringify(c.changedFields), c.origin]);
  }
}

/** The mirror's rows (docs/mirror.md). Values are bound parameters; JSON goes in as text with a cast. */
export function createMirrorRepository(sql: SqlClient): MirrorRepository {
  return {
    async load(sourceId) {
      const users = (await sql.query<UserRow>(`SELECT record, synced_at FROM mirror_users WHERE source_id = $1`, [sourceId])).map(revive);
      const [cat] = await sql.query<{ user_types: unknown; facilities: unknown }>(`SELECT user_types, facilities FROM mirror_catalogs WHERE source_id = $1`, [sourceId]);
      const [st] = await sql.query<{ last_sync_at: Date | null; last_error: string | null; last_attempt_at: Date | null }>(
        `SELECT last_sync_at, last_error, last_attempt_at FROM mirror_state WHERE source_id = $1`,
        [sourceId],
      );
      return {
        users,
        catalogs: cat ? { userTypes: json<UserTypeRecord[]>(cat.user_types as string), facilities: json<FacilityRecord[]>(cat.facilities as string) } : null,
        state: {
          lastSyncAt: st?.last_sync_at ? new Date(st.last_sync_at) : null,
          lastError: st?.last_error ?? null,
          lastAttemptAt: st?.last_attempt_at ? new Date(st.last_attempt_at) : null,
        },
      };
    },

    async state(sourceId) {
      const [st] = await sql.query<{ last_sync_at: Date | null; last_error: string | null; last_attempt_at: Date | null }>(
        `SELECT last_sync_at, last_error, last_attempt_at FROM mirror_state WHERE source_id = $1`,
        [sourceId],
      );
      return { lastSyncAt: st?.last_sync_at ? new Date(st.last_sync_at) : null, lastError: st?.last_error ?? null, lastAttemptAt: st?.last_attempt_at ? new Date(st.last_attempt_at) : null };
    },

    async applyRefresh(sourceId, r) {
      await sql.transaction(async (tx) => {
        for (const m of r.upserts) await upsert(tx, sourceId, m, r.syncedAt);
        for (const id of r.deletes) await tx.query(`DELETE FROM mirror_users WHERE source_id = $1 AND native_id = $2`, [sourceId, id]);
        await tx.query(
          `INSERT INTO mirror_catalogs (source_id, user_types, facilities) VALUES ($1, $2::json, $3::json)
           ON CONFLICT (source_id) DO UPDATE SET user_types = EXCLUDED.user_types, facilities = EXCLUDED.facilities`,
          [sourceId, JSON.stringify(r.catalogs.userTypes), JSON.stringify(r.catalogs.facilities)],
        );
        await insertChanges(tx, r.changes);
        await tx.query(
          `INSERT INTO mirror_state (source_id, last_sync_at, last_error, last_attempt_at) VALUES ($1, $2, NULL, $2)
           ON CONFLICT (source_id) DO UPDATE SET last_sync_at = EXCLUDED.last_sync_at, last_error = NULL, last_attempt_at = EXCLUDED.last_attempt_at`,
          [sourceId, r.syncedAt],
        );
      });
    },

    async applyWrite(sourceId, nativeId, user, change) {
      await sql.transaction(async (tx) => {
        if (user) await upsert(tx, sourceId, user, user.syncedAt ?? new Date());
        else await tx.query(`DELETE FROM mirror_users WHERE source_id = $1 AND native_id = $2`, [sourceId, nativeId]);
        if (change) await insertChanges(tx, [change]);
      });
    },

    async recordFailure(sourceId, error, at) {
      await sql.query(
        `INSERT INTO mirror_state (source_id, last_sync_at, last_error, last_attempt_at) VALUES ($1, NULL, $2, $3)
         ON CONFLICT (source_id) DO UPDATE SET last_error = EXCLUDED.last_error, last_attempt_at = EXCLUDED.last_attempt_at`,
        [sourceId, error, at],
      );
    },

    async changes(afterSeq, sources, first) {
      if (sources.length === 0) return [];
      const params: Array<string | number> = [afterSeq, first];
      const list = sources.map((s) => (params.push(s), `$${params.length}`)).join(', ');
      const rows = await sql.query<{ seq: string | number; source_id: string; native_id: string; kind: ChangeKind; at: Date; changed_fields: unknown; origin: 'refresh' | 'write' }>(
        `SELECT seq, source_id, native_id, kind, at, changed_fields, origin FROM user_changes WHERE seq > $1 AND source_id IN (${list}) ORDER BY seq LIMIT $2`,
        params,
      );
      return rows.map((r) => ({
        seq: Number(r.seq),
        sourceId: r.source_id,
        nativeId: r.native_id,
        kind: r.kind,
        at: new Date(r.at),
        changedFields: json<string[]>(r.changed_fields as string),
        origin: r.origin,
      }));
    },
  };
}
