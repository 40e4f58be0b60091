import DataLoader from 'dataloader';
import type { Semaphore } from '../../http/semaphore';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { SourceReader } from '../../core/connector';
import type { CoremrClient } from './client';
import { toFacilityAccessRecord, toListQuery, toUserRecord, toUserTypeRecord } from './mapper';

/**
 * The per-request CorEMR reader (DESIGN.md §5). CorEMR has no batch endpoint and no paging:
 *  - a list is one GET /ws/users/ per distinct pushed-down query, cached for the request, sorted
 *    by username and paged in memory; the cursor is {"after": <last username>} (keyset, so it
 *    stays correct when users are added or removed between requests);
 *  - a user, its usertypes and its facility access are one GET each, through DataLoaders (one
 *    call per username per request) run in parallel under the source's Semaphore
 *    (http.maxConcurrency, default 8, created once per source). Listed users prime the user loader.
 * There is no usertype or facility catalog: userTypes()/facilities() are UNSUPPORTED_BY_VENDOR.
 */
export class CoremrReader implements SourceReader {
  private readonly users: DataLoader<string, UserRecord | null>;
  private readonly types: DataLoader<string, UserTypeRecord[]>;
  private readonly access: DataLoader<string, FacilityAccessRecord[]>;
  /** Sorted user lists by vendor query string. */
  private readonly lists = new Map<string, Promise<UserRecord[]>>();
  /** Facilities met in this request's access lists, by code: the only way to name one (no catalog). */
  private readonly seenFacilities = new Map<string, FacilityRecord>();

  constructor(
    private readonly sourceId: string,
    private readonly client: CoremrClient,
    private readonly semaphore: Semaphore,
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
    const startAfter = args.after === null ? null : decodeCursor(this.sourceId, args.after);
    const users = await this.list(args.filter);
    const out: UserRecord[] = [];
    let i = startAfter === null ? 0 : firstAfter(users, startAfter);
    for (; i < users.length && out.length < args.first; i++) if (matchesFilter(users[i]!, args.filter)) out.push(users[i]!);
    let more = false;
    for (let j = i; j < users.length && !more; j++) more = matchesFilter(users[j]!, args.filter);
    if (!more) return { users: out, next: null };
    // With first = 0 the position does not move.
    const last = out.length > 0 ? out[out.length - 1]!.nativeId : (startAfter ?? '');
    return { users: out, next: encodeCursor(last) };
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

  // --- cache upkeep after writes (called by the writer) ---------------------------------------

  /** The user was written: remember it as returned (null = deleted), forget cached lists. */
  userWritten(username: string, user: UserRecord | null | undefined): void {
    this.users.clear(username);
    if (user !== undefined) this.users.prime(username, user);
    this.lists.clear();
    if (user === null) this.relationsWritten(username);
  }

  /** The user's usertypes or facility access changed. */
  relationsWritten(username: string): void {
    this.types.clear(username);
    this.access.clear(username);
  }

  // --- internals -------------------------------------------------------------------------------

  private list(filter: UserFilter): Promise<UserRecord[]> {
    const query = toListQuery(filter);
    const key = new URLSearchParams(query as Record<string, string>).toString();
    let pending = this.lists.get(key);
    if (!pending) {
      pending = this.client.listUsers(query, { ctx: this.ctx }).then((raw) => {
        const users = raw.map((u) => toUserRecord(this.sourceId, u)).sort(byNativeId);
        for (const u of users) this.users.prime(u.nativeId, u);
        return users;
      });
      // A failed list is not cached: a later call in the same request may try again.
      pending.catch(() => this.lists.delete(key));
      this.lists.set(key, pending);
    }
    return pending;
  }

  /** A loader whose batch runs one call per key, all at once, each under the source's semaphore. */
  private perUser<V>(fetch: (username: string) => Promise<V>): DataLoader<string, V> {
    return new DataLoader<string, V>((keys) =>
      Promise.all(keys.map((k) => this.semaphore.run(() => fetch(k), this.ctx.signal).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))))),
    );
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

function encodeCursor(afterUsername: string): string {
  return JSON.stringify({ after: afterUsername });
}

function decodeCursor(sourceId: string, cursor: string): string {
  try {
    const v = JSON.parse(cursor) as { after?: unknown } | null;
    if (v && typeof v.after === 'string') return v.after;
  } catch {
    // fall through
  }
  throw new SourceError('BAD_USER_INPUT', sourceId, 'The cursor is not valid for this source.', { field: 'after' });
}

export function isPathSegment(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..';
}
