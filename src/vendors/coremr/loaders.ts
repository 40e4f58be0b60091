import type { Slots } from '../../http/semaphore';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { SourceReader } from '../../core/connector';
import type { UserChange } from '../../core/writes';
import { PerKeyLoader, applyToUserCache, changesUserRecord, isPathSegment, jsonCursor, mapPage } from '../../kit';
import type { CoremrClient } from './client';
import { normalizeUser, toFacilityAccessRecord, toListQuery, toUserRecord, toUserTypeRecord } from './mapper';

/** A list read once per request: the good users sorted by username, and how many records were left out. */
interface UserList {
  users: UserRecord[];
  skipped: number;
}

/** The reader's own cursor: {"after": <last username returned>} (keyset). */
const cursor = jsonCursor((v: unknown): v is { after: string } => typeof (v as { after?: unknown }).after === 'string');

/**
 * The per-request CorEMR reader (docs/architecture.md §5). CorEMR has no batch endpoint and no paging:
 *  - a list is one GET /ws/users/ per distinct pushed-down query, cached for the request, sorted
 *    by username and paged in memory; the cursor is {"after": <last username>} (keyset, so it
 *    stays correct when users are added or removed between requests). A malformed record is left
 *    out and counted (kit mapPage); it has no place in the order, so every page of that list
 *    reports it;
 *  - a user, its usertypes and its facility access are one GET each, through the kit's
 *    PerKeyLoader (one call per username per request) run in parallel under the source's Semaphore
 *    (http.maxConcurrency, default 8, created once per source). Listed users prime the user loader.
 * There is no usertype or facility catalog: userTypes()/facilities() are UNSUPPORTED_BY_VENDOR.
 */
export class CoremrReader implements SourceReader {
  private readonly users: PerKeyLoader<string, UserRecord | null>;
  private readonly types: PerKeyLoader<string, UserTypeRecord[]>;
  private readonly access: PerKeyLoader<string, FacilityAccessRecord[]>;
  /** Sorted user lists by vendor query string. */
  private readonly lists = new Map<string, Promise<UserList>>();
  /** Facilities met in this request's access lists, by code: the only way to name one (no catalog). */
  private readonly seenFacilities = new Map<string, FacilityRecord>();

  constructor(
    private readonly sourceId: string,
    private readonly client: CoremrClient,
    private readonly semaphore: Slots,
    private readonly ctx: RequestContext,
  ) {
    const o = { ctx };
    this.users = this.perUser(async (u) => {
      const raw = await client.getUser(u, o);
      return raw && toUserRecord(sourceId, raw);
    });
    // A 404 on a sub-resource means the user is gone: it then has no usertypes and no access.
    this.types = this.perUser(async (u) => ((await client.userTypes(u, o)) ?? []).map((t) => toUserTypeRecord(sourceId, t)));
    this.access = this.perUser(async (u) => {
      const list = ((await client.facilities(u, o)) ?? []).map((f) => toFacilityAccessRecord(sourceId, f));
      for (const a of list) this.seenFacilities.set(a.facility.code, a.facility);
      return list;
    });
  }

  /** `include` needs no early start here: CorEMR has no catalog, and per-user relations need the usernames first. */
  async listUsers(args: Parameters<SourceReader['listUsers']>[0]): Promise<UserPage> {
    const startAfter = cursor.decode(args.after, this.sourceId)?.after ?? null;
    const { users, skipped } = await this.list(args.filter);
    const out: UserRecord[] = [];
    let i = startAfter === null ? 0 : firstAfter(users, startAfter);
    for (; i < users.length && out.length < args.first; i++) if (matchesFilter(users[i]!, args.filter)) out.push(users[i]!);
    let more = false;
    for (let j = i; j < users.length && !more; j++) more = matchesFilter(users[j]!, args.filter);
    // With first = 0 the position does not move.
    const last = out.length > 0 ? out[out.length - 1]!.nativeId : (startAfter ?? '');
    return { users: out, next: more ? cursor.encode({ after: last }) : null, ...(skipped > 0 ? { skipped } : {}) };
  }

  async user(nativeId: string): Promise<UserRecord | null> {
    // Such an id can name no CorEMR user (and cannot be put in a path): unknown, without a call.
    if (!isPathSegment(nativeId)) return null;
    return this.users.load(nativeId);
  }

  userTypesOf(user: UserRecord): Promise<UserTypeRecord[]> {
    return this.types.load(user.nativeId);
  }

  facilityAccessOf(user: UserRecord): Promise<FacilityAccessRecord[]> {
    return this.access.load(user.nativeId);
  }

  userTypes(): Promise<UserTypeRecord[]> {
    return Promise.reject(new SourceError('UNSUPPORTED_BY_VENDOR', this.sourceId, 'CorEMR has no user type catalog; read the userTypes of a user instead.'));
  }

  facilities(): Promise<FacilityRecord[]> {
    return Promise.reject(new SourceError('UNSUPPORTED_BY_VENDOR', this.sourceId, 'CorEMR has no facility catalog; read the facilityAccess of a user instead.'));
  }

  /** A usertype is nothing but its name, so the id alone is the whole record (existence unchecked: no catalog). */
  async userType(nativeId: string): Promise<UserTypeRecord | null> {
    return nativeId === '' ? null : { sourceId: this.sourceId, nativeId, name: nativeId, description: null };
  }

  /** Known only when this request has already read an access list naming it (a facility has a name we cannot look up). */
  async facility(nativeId: string): Promise<FacilityRecord | null> {
    return this.seenFacilities.get(nativeId) ?? null;
  }

  /**
   * After a write (kit reader-cache contract): the user as written (or gone, or unknown) replaces
   * the cached one and cached lists are dropped; a relation change or a deletion drops the user's
   * cached usertypes and facility access.
   */
  written(username: string, change: UserChange): void {
    applyToUserCache(this.users, username, change);
    if (changesUserRecord(change)) this.lists.clear();
    if (change.kind === 'relations' || change.kind === 'deleted') {
      this.types.clear(username);
      this.access.clear(username);
    }
  }

  // --- internals -------------------------------------------------------------------------------

  private list(filter: UserFilter): Promise<UserList> {
    const query = toListQuery(filter);
    const key = new URLSearchParams(query as Record<string, string>).toString();
    let pending = this.lists.get(key);
    if (!pending) {
      pending = this.client.listUsers(query, { ctx: this.ctx }).then((raw) => {
        const page = mapPage(raw, (r) => {
          const u = normalizeUser(r);
          return u && toUserRecord(this.sourceId, u);
        });
        const users = page.records.sort(byNativeId);
        for (const u of users) this.users.prime(u.nativeId, u);
        return { users, skipped: page.skipped.length };
      });
      // A failed list is not cached: a later call in the same request may try again.
      pending.catch(() => this.lists.delete(key));
      this.lists.set(key, pending);
    }
    return pending;
  }

  /** One call per username, all at once, each under the source's semaphore (kit PerKeyLoader). */
  private perUser<V>(fetch: (username: string) => Promise<V>): PerKeyLoader<string, V> {
    return new PerKeyLoader(fetch, { sourceId: this.sourceId, semaphore: this.semaphore, signal: this.ctx.signal });
  }
}

/** Code-unit order: total and locale-independent, so cursors compare the same way everywhere. */
function byNativeId(a: UserRecord, b: UserRecord): number {
  return a.nativeId < b.nativeId ? -1 : a.nativeId > b.nativeId ? 1 : 0;
}

/** Index of the first user whose username sorts after `username` (binary search). */
function firstAfter(users: UserRecord[], username: string): number {
  let lo = 0;
  let hi = users.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (users[mid]!.nativeId <= username) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

