import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { Slots } from '../../http/semaphore';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { UserChange } from '../../core/writes';
import { path } from '../../http/path';
import { PerKeyLoader, applyToUserCache, isPathSegment, jsonCursor, mapPage } from '../../kit';
import type { PsClient } from './client';
import {
  mapFacility, mapRole, mapUser, readFacilities, readRoles, readUser, splitFacilityNativeId,
} from './mapper';
import { inScope, type PsScope } from './scope';
import { PsUser } from './wire';

export interface ReaderDeps {
  sourceId: string;
  client: PsClient;
  /** Per source: caps parallel GET /users/{id} calls. */
  semaphore: Slots;
}

/** The list of one request: the users in scope, and how many records were malformed (left out). */
interface UserList {
  users: UserRecord[];
  skipped: number;
}

/**
 * The per-request reader. The vendor documents no paging and no user filters, so GET /users is
 * read at most once per request and paged in memory; a single user is taken from that list when
 * it was read, else from GET /users/{id} through the kit's PerKeyLoader. A malformed record of the
 * list is left out and counted (kit mapPage); the list is read whole, so every page of it reports
 * the count. The role and facility catalogs of the source's organization are read at most once
 * per request, and started together with the list when the query will need them.
 */
export class PsReader implements SourceReader {
  private listPromise: Promise<UserList> | null = null;
  private rolesPromise: Promise<Map<string, UserTypeRecord>> | null = null;
  private facilitiesPromise: Promise<Map<string, FacilityRecord>> | null = null;
  /** Role names as the user records carry them, for roles missing from the catalog. */
  private readonly embeddedRoles = new Map<string, string | null>();
  private readonly users: PerKeyLoader<string, UserRecord | null>;

  constructor(
    private readonly deps: ReaderDeps,
    /** The request's organizations, shared with the writer. */
    private readonly scope: PsScope,
    readonly ctx: RequestContext,
  ) {
    this.users = new PerKeyLoader((id) => this.fetchUser(id), { sourceId: deps.sourceId, semaphore: deps.semaphore, signal: ctx.signal });
  }

  // ---- users -----------------------------------------------------------------------------------

  async listUsers(args: { filter: UserFilter; after: string | null; first: number; include: { userTypes: boolean; facilityAccess: boolean } }): Promise<UserPage> {
    // Catalogs first, so that their calls go out with the list call rather than after it.
    if (args.include.userTypes) quiet(this.roleCatalog());
    if (args.include.facilityAccess) quiet(this.facilityCatalog());
    const { users: all, skipped } = await this.allUsers();
    let i = this.startIndex(all, args.after);
    const users: UserRecord[] = [];
    for (; i < all.length && users.length < args.first; i++) if (matchesFilter(all[i]!, args.filter)) users.push(all[i]!);
    const more = all.slice(i).some((u) => matchesFilter(u, args.filter));
    return { users, next: more ? cursor.encode({ i, k: i > 0 ? all[i - 1]!.nativeId : null }) : null, ...(skipped > 0 ? { skipped } : {}) };
  }

  async user(nativeId: string): Promise<UserRecord | null> {
    if (!isPathSegment(nativeId)) return null;
    if (this.listPromise) {
      // The list holds every user this source shows: one missing from it does not exist here.
      const list = await this.listPromise.catch(() => null);
      if (list) return list.users.find((u) => u.nativeId === nativeId) ?? null;
    }
    return this.users.load(nativeId);
  }

  /** GET /users, once per request; records mapped one by one, users outside the scope dropped; the loader is primed. */
  private allUsers(): Promise<UserList> {
    this.listPromise ??= (async () => {
      const [scope, data] = await Promise.all([
        this.scope.get(),
        this.deps.client.call({ method: 'GET', path: '/users', route: '/users', ctx: this.ctx }),
      ]);
      if (!Array.isArray(data)) throw this.badResponse();
      const page = mapPage(data, (r) => {
        const parsed = PsUser.safeParse(r);
        return parsed.success ? parsed.data : null;
      });
      const users = page.records.filter((u) => inScope(scope, u)).map((u) => this.adopt(u));
      for (const u of users) this.users.prime(u.nativeId, u);
      return { users, skipped: page.skipped.length };
    })();
    return this.listPromise;
  }

  /** GET /users/{id}; unknown (404) or outside the scope → null. */
  private async fetchUser(id: string): Promise<UserRecord | null> {
    let data: unknown;
    try {
      data = await this.deps.client.call({ method: 'GET', path: path`/users/${id}`, route: '/users/{userId}', ctx: this.ctx });
    } catch (err) {
      if (err instanceof SourceError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
    const raw = readUser(data);
    if (!raw) throw this.badResponse();
    return inScope(await this.scope.get(), raw) ? this.adopt(raw) : null;
  }

  private adopt(raw: PsUser): UserRecord {
    if (raw.role) this.embeddedRoles.set(raw.role.id, raw.role.name);
    return mapUser(this.deps.sourceId, raw);
  }

  private startIndex(all: UserRecord[], after: string | null): number {
    if (after == null) return 0;
    const c = cursor.decode(after, this.deps.sourceId)!;
    // Resume after the user the cursor names; if that user is gone, at the recorded offset.
    const at = c.k == null ? -1 : all.findIndex((u) => u.nativeId === c.k);
    return at >= 0 ? at + 1 : Math.min(c.i, all.length);
  }

  // ---- relations ---------------------------------------------------------------------------------

  async userTypesOf(user: UserRecord): Promise<UserTypeRecord[]> {
    const ids = user.refs.userTypeIds ?? [];
    if (ids.length === 0) return [];
    const catalog = await this.roleCatalog();
    return ids.map((id) => catalog.get(id) ?? mapRole(this.deps.sourceId, { id, name: this.embeddedRoles.get(id) ?? null, description: null }));
  }

  async facilityAccessOf(user: UserRecord): Promise<FacilityAccessRecord[]> {
    const refs = user.refs.facilities ?? [];
    if (refs.length === 0) return [];
    const catalog = await this.facilityCatalog();
    return refs.map((ref) => ({
      facility: catalog.get(ref.facilityId) ?? {
        sourceId: this.deps.sourceId,
        nativeId: ref.facilityId,
        code: splitFacilityNativeId(ref.facilityId)?.facility ?? ref.facilityId,
        name: null,
      },
      primary: ref.primary,
    }));
  }

  // ---- catalogs ----------------------------------------------------------------------------------

  async userTypes(): Promise<UserTypeRecord[]> {
    return [...(await this.roleCatalog()).values()];
  }

  async facilities(): Promise<FacilityRecord[]> {
    return [...(await this.facilityCatalog()).values()];
  }

  async userType(nativeId: string): Promise<UserTypeRecord | null> {
    return (await this.roleCatalog()).get(nativeId) ?? null;
  }

  async facility(nativeId: string): Promise<FacilityRecord | null> {
    return (await this.facilityCatalog()).get(nativeId) ?? null;
  }

  /** GET /organizations/{o}/roles for each organization of the scope, once per request. */
  private roleCatalog(): Promise<Map<string, UserTypeRecord>> {
    this.rolesPromise ??= (async () => {
      const { organizations } = await this.scope.get();
      const lists = await Promise.all(
        organizations.map(async (o) => {
          const roles = readRoles(await this.deps.client.call({ method: 'GET', path: path`/organizations/${o}/roles`, route: '/organizations/{organizationId}/roles', ctx: this.ctx }));
          if (!roles) throw this.badResponse();
          return roles;
        }),
      );
      return new Map(lists.flat().map((r) => [r.id, mapRole(this.deps.sourceId, r)] as const));
    })();
    return this.rolesPromise;
  }

  /** GET /organizations/{o}/facilities for each organization of the scope, once per request. */
  private facilityCatalog(): Promise<Map<string, FacilityRecord>> {
    this.facilitiesPromise ??= (async () => {
      const { organizations } = await this.scope.get();
      const lists = await Promise.all(
        organizations.map(async (o) => {
          const data = await this.deps.client.call({ method: 'GET', path: path`/organizations/${o}/facilities`, route: '/organizations/{organizationId}/facilities', ctx: this.ctx });
          const facilities = readFacilities(data);
          if (!facilities) throw this.badResponse();
          return facilities.map((f) => mapFacility(this.deps.sourceId, o, f));
        }),
      );
      return new Map(lists.flat().map((f) => [f.nativeId, f] as const));
    })();
    return this.facilitiesPromise;
  }

  // ---- after writes (kit reader-cache contract) ------------------------------------------------

  /**
   * The user as written replaces the cached one, in the loader and in an already read list (a
   * new user is appended); a deleted one leaves both. Relations are on the user record here.
   */
  written(nativeId: string, change: UserChange): void {
    applyToUserCache(this.users, nativeId, change);
    if (change.kind === 'relations' || change.kind === 'unknown') return;
    // Registered now, so any read awaiting the list later sees the change.
    this.listPromise?.then(
      ({ users: all }) => {
        const at = all.findIndex((u) => u.nativeId === nativeId);
        if (change.kind === 'deleted') {
          if (at >= 0) all.splice(at, 1);
        } else if (at >= 0) all[at] = change.user;
        else all.push(change.user);
      },
      () => undefined,
    );
  }

  private badResponse(): SourceError {
    return new SourceError('SOURCE_BAD_RESPONSE', this.deps.sourceId);
  }
}

/** Cursor: {"i": index in the vendor's list after the last examined user, "k": that user's id}. */
const cursor = jsonCursor((v: unknown): v is { i: number; k: string | null } => {
  const c = v as { i?: unknown; k?: unknown };
  return Number.isInteger(c.i) && (c.i as number) >= 0 && (c.k === null || typeof c.k === 'string');
});

/** A started load whose failure is reported where it is awaited, not as an unhandled rejection. */
function quiet(p: Promise<unknown>): void {
  p.catch(() => undefined);
}
