import type { FacilityRecord, UserRecord, UserTypeRecord } from '../../core/model';
import type { MirrorCatalogs, MirroredUser } from '../../store/mirror-repository';

/**
 * The mark a mirrored user record carries: the entry it came from (relations, syncedAt). A symbol
 * key survives the object spread that presents a record to GraphQL and never reaches JSON, so the
 * relation resolvers can answer a mirrored user from the mirror instead of the vendor.
 */
export const MIRRORED = Symbol('staffgraph.mirrored');

export type MirroredRecord = UserRecord & { [MIRRORED]?: MirrorEntry };

export interface MirrorEntry {
  userTypes: UserTypeRecord[];
  facilityAccess: MirroredUser['facilityAccess'];
  syncedAt: Date;
}

export function mirrorEntryOf(user: object): MirrorEntry | undefined {
  return (user as MirroredRecord)[MIRRORED];
}

/**
 * One source's mirror as reads see it: immutable once built (a refresh builds a new one and swaps
 * it in), so a request reading it never sees half a refresh.
 */
export class SourceSnapshot {
  readonly users: ReadonlyMap<string, MirroredRecord>;
  readonly userTypes: readonly UserTypeRecord[];
  readonly facilities: readonly FacilityRecord[];

  constructor(
    readonly sourceId: string,
    entries: readonly MirroredUser[],
    catalogs: MirrorCatalogs,
    /** When the last refresh completed. */
    readonly syncedAt: Date,
  ) {
    const users = new Map<string, MirroredRecord>();
    for (const e of entries) {
      const record: MirroredRecord = { ...e.user };
      const own = e.syncedAt && e.syncedAt > syncedAt ? e.syncedAt : syncedAt;
      Object.defineProperty(record, MIRRORED, { value: { userTypes: e.userTypes, facilityAccess: e.facilityAccess, syncedAt: own }, enumerable: true });
      users.set(e.user.nativeId, record);
    }
    this.users = users;
    this.userTypes = catalogs.userTypes;
    this.facilities = catalogs.facilities;
  }

  /** The entries, for a refresh to diff against. */
  entries(): MirroredUser[] {
    return [...this.users.values()].map((u) => {
      const m = u[MIRRORED]!;
      const { [MIRRORED]: _omit, ...user } = u;
      return { user: user as UserRecord, userTypes: m.userTypes, facilityAccess: m.facilityAccess, syncedAt: m.syncedAt };
    });
  }

  /** A copy with one user replaced or (null) removed: a gateway write. */
  withUser(nativeId: string, entry: MirroredUser | null): SourceSnapshot {
    const rest = this.entries().filter((e) => e.user.nativeId !== nativeId);
    return new SourceSnapshot(this.sourceId, entry ? [...rest, entry] : rest, { userTypes: [...this.userTypes], facilities: [...this.facilities] }, this.syncedAt);
  }
}
