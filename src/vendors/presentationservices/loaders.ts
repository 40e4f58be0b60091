import DataLoader from 'dataloader';
import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { Semaphore } from '../../http/semaphore';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import { path } from '../../http/path';
import type { PsClient } from './client';
import type { PsOptions } from './config';
import {
  mapFacility, mapRole, mapUser, readFacilities, readOrganizations, readRoles, readUser, readUsers, splitFacilityNativeId,
} from './mapper';
import type { PsUser } from './wire';

export interface ReaderDeps {
  sourceId: string;
  client: PsClient;
  options: PsOptions;
  /** Per source: caps parallel GET /users/{id} calls. */
  semaphore: Semaphore;
}

/** The organizations this source shows, and whether users must be filtered to one of them. */
interface Scope {
  organizations: string[];
  /** Keep only users of this organization; null keeps every user the account can read. */
  only: string | null;
}

/**
 * The per-request reader. The vendor documents no paging and no user filters, so GET /users is
 * read at most once per request and paged in memory; a single user is taken from that list when
 * it was read, else from GET /users/{id} through a DataLoader. The role and facility catalogs of
 * the source's organization are read at most once per request, and started together with the
 * list when the query will need them.
 */
export class PsReader implements SourceReader {
  written(): void {} // TEMP: moved onto the kit next
  private scopePromise: Promise<Scope> | null = null;
  private listPromise: Promise<UserRecord[]> | null = null;
  private rolesPromise: Promise<Map<string, UserTypeRecord>> | null = null;
  private facilitiesPromise: Promise<Map<string, FacilityRecord>> | null = null;
  /** Role names as the user records carry them, for roles missing from the catalog. */
  private readonly embeddedRoles = new Map<string, string | null>();
  private readonly users: DataLoader<string, UserRecord | null>;

  constructor(private readonly deps: ReaderDeps, readonly ctx: RequestContext) {
    this.users = new DataLoader((ids) => Promise.all(ids.map((id) => deps.semaphore.run(() => this.fetchUser(id), ctx.signal).catch((e: unknown) => toError(e)))));
  }

  // ---- users -----------------------------------------------------------------------------------

  async listUsers(args: { filter: UserFilter; after: string | null; first: number; include: { userTypes: boolean; facilityAccess: boolean } }): Promise<UserPage> {
    // Catalogs first, so that their calls go out with the list call rather than after it.
    if (args.include.userTypes) quiet(this.roleCatalog());
    if (args.include.facilityAccess) quiet(this.facilityCatalog());
    const all = await this.allUsers();
    let i = this.startIndex(all, args.after);
    const users: UserRecord[] = [];
    for (; i < all.length && users.length < args.first; i++) if (matchesFilter(all[i]!, args.filter)) users.push(all[i]!);
    const more = all.slice(i).some((u) => matchesFilter(u, args.filter));
    return { users, next: more ? encodeCursor({ i, k: i > 0 ? all[i - 1]!.nativeId : null }) : null };
  }

  async user(nativeId: string): Promise<UserRecord | null> {
    if (nativeId === '' || nativeId === '.' || nativeId === '..') return null;
    if (this.listPromise) {
      // The list holds every user this source shows: one missing from it does not exist here.
      const all = await this.listPromise.catch(() => null);
      if (all) return all.find((u) => u.nativeId === nativeId) ?? null;
    }
    return this.users.load(nativeId);
  }

  /** GET /users, once per request; users outside the scope are dropped; the loader is primed. */
  private allUsers(): Promise<UserRecord[]> {
    this.listPromise ??= (async () => {
      const [scope, data] = await Promise.all([
        this.scope(),
        this.deps.client.call({ method: 'GET', path: '/users', route: '/users', ctx: this.ctx }),
      ]);
      const raw = readUsers(data);
      if (!raw) throw this.badResponse();
      const users = raw.filter((u) => inScope(scope, u)).map((u) => this.adopt(u));
      for (const u of users) this.users.clear(u.nativeId).prime(u.nativeId, u);
      return users;
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
    return inScope(await this.scope(), raw) ? this.adopt(raw) : null;
  }

  private adopt(raw: PsUser): UserRecord {
    if (raw.role) this.embeddedRoles.set(raw.role.id, raw.role.name);
    return mapUser(this.deps.sourceId, raw);
  }

  private startIndex(all: UserRecord[], after: string | null): number {
    if (after == null) return 0;
    const c = decodeCursor(after, this.deps.sourceId);
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
      const { organizations } = await this.scope();
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
      const { organizations } = await this.scope();
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

  /**
   * options.organization, else the login's organizationId (no extra call: the login is needed
   * anyway). Only when the account has no organization is GET /organizations read, and then every
   * organization it lists is shown.
   */
  private scope(): Promise<Scope> {
    this.scopePromise ??= (async () => {
      const configured = this.deps.options.organization;
      if (configured) return { organizations: [configured], only: configured };
      const session = await this.deps.client.session(this.ctx);
      if (session.organizationId) return { organizations: [session.organizationId], only: session.organizationId };
      const orgs = readOrganizations(await this.deps.client.call({ method: 'GET', path: '/organizations', route: '/organizations', ctx: this.ctx }));
      if (!orgs) throw this.badResponse();
      return { organizations: orgs.map((o) => o.id), only: null };
    })();
    return this.scopePromise;
  }

  // ---- used by the writer (read-after-write in the same request) -------------------------------

  /** Whether a vendor user belongs to this source's scope. */
  async shows(raw: PsUser): Promise<boolean> {
    return inScope(await this.scope(), raw);
  }

  /** Records a user as it is after a write: loader and (already read) list. */
  async remember(raw: PsUser): Promise<UserRecord> {
    const user = this.adopt(raw);
    this.users.clear(user.nativeId).prime(user.nativeId, user);
    const all = this.listPromise ? await this.listPromise.catch(() => null) : null;
    if (all) {
      const at = all.findIndex((u) => u.nativeId === user.nativeId);
      if (at >= 0) all[at] = user;
      else all.push(user);
    }
    return user;
  }

  /** Forgets a deleted user. */
  async forget(nativeId: string): Promise<void> {
    this.users.clear(nativeId).prime(nativeId, null);
    const all = this.listPromise ? await this.listPromise.catch(() => null) : null;
    const at = all ? all.findIndex((u) => u.nativeId === nativeId) : -1;
    if (all && at >= 0) all.splice(at, 1);
  }

  private badResponse(): SourceError {
    return new SourceError('SOURCE_BAD_RESPONSE', this.deps.sourceId);
  }
}

function inScope(scope: Scope, u: PsUser): boolean {
  return scope.only == null || u.organizationId === scope.only;
}

/** Cursor: {"i": index in the vendor's list after the last examined user, "k": that user's id}. */
interface Cursor {
  i: number;
  k: string | null;
}

function encodeCursor(c: Cursor): string {
  return JSON.stringify(c);
}

function decodeCursor(text: string, sourceId: string): Cursor {
  try {
    const c = JSON.parse(text) as Partial<Cursor>;
    if (Number.isInteger(c.i) && c.i! >= 0 && (c.k === null || typeof c.k === 'string')) return { i: c.i!, k: c.k };
  } catch {
    // fall through
  }
  throw new SourceError('BAD_USER_INPUT', sourceId, 'The cursor is not valid.', { field: 'after' });
}

/** A started load whose failure is reported where it is awaited, not as an unhandled rejection. */
function quiet(p: Promise<unknown>): void {
  p.catch(() => undefined);
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error('unknown failure');
}
