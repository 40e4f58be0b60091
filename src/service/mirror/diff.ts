import type { MirroredUser, UserChangeRow } from '../../store/mirror-repository';

/** The unified fields a change can name (values are never part of a change). */
const FIELDS = ['username', 'displayName', 'firstName', 'middleInitial', 'lastName', 'email', 'phone', 'title', 'status', 'active', 'allFacilities'] as const;

/** Field names that differ between two copies of one user, relations included. */
export function changedFields(before: MirroredUser, after: MirroredUser): string[] {
  const out: string[] = FIELDS.filter((f) => before.user[f] !== after.user[f]);
  for (const f of ['createdAt', 'lastLoginAt'] as const) {
    if ((before.user[f]?.getTime() ?? null) !== (after.user[f]?.getTime() ?? null)) out.push(f);
  }
  if (JSON.stringify(before.user.identifiers) !== JSON.stringify(after.user.identifiers)) out.push('identifiers');
  const types = (m: MirroredUser) => m.userTypes.map((t) => t.nativeId).sort().join('\u0000');
  if (types(before) !== types(after)) out.push('userTypes');
  const access = (m: MirroredUser) => m.facilityAccess.map((a) => `${a.facility.nativeId}:${a.primary}`).sort().join('\u0000');
  if (access(before) !== access(after)) out.push('facilityAccess');
  return out;
}

/** What kind of change a before/after pair is: activation flips are their own kinds. */
export function changeKind(before: MirroredUser | null, after: MirroredUser | null): UserChangeRow['kind'] | null {
  if (!before && after) return 'CREATED';
  if (before && !after) return 'DELETED';
  if (!before || !after) return null;
  if (before.user.active && !after.user.active) return 'DEACTIVATED';
  if (!before.user.active && after.user.active) return 'REACTIVATED';
  return changedFields(before, after).length ? 'UPDATED' : null;
}

/**
 * The difference between the mirror's copy of a source and a fresh read: the rows to write and
 * the changes to publish (in a stable order: by native id), from one refresh.
 */
export function diffSource(sourceId: string, before: readonly MirroredUser[], after: readonly MirroredUser[], origin: UserChangeRow['origin']): { upserts: MirroredUser[]; deletes: string[]; changes: UserChangeRow[] } {
  const old = new Map(before.map((m) => [m.user.nativeId, m]));
  const fresh = new Map(after.map((m) => [m.user.nativeId, m]));
  const ids = [...new Set([...old.keys(), ...fresh.keys()])].sort();
  const upserts: MirroredUser[] = [];
  const deletes: string[] = [];
  const changes: UserChangeRow[] = [];
  for (const id of ids) {
    const b = old.get(id) ?? null;
    const a = fresh.get(id) ?? null;
    const kind = changeKind(b, a);
    if (!kind) continue;
    if (a) upserts.push(a);
    else deletes.push(id);
    changes.push({ sourceId, nativeId: id, kind, changedFields: b && a ? changedFields(b, a) : [], origin });
  }
  return { upserts, deletes, changes };
}
