import { isUUID } from 'class-validator';
import DataLoader from 'dataloader';
import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { Semaphore } from '../../http/semaphore';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import { PAGE_SIZE, type Page, type PainChekClient } from './client';
import { facilityAccessFor, roleCatalog, toFacilityRecord, toUserRecord, toUserTypeRecord } from './mapper';

interface SiteCatalog {
  list: FacilityRecord[];
  byId: Map<string, FacilityRecord>;
}

/**
 * The per-request reader (one per GraphQL request). Loads, each at most once per request:
 *  - users by uuid (DataLoader; primed from every listed page);
 *  - the sites catalog (all pages of GET /api/sites/);
 *  - each site's access list (all pages of GET /api/sites/{site}/users/; DataLoader by site),
 *    indexed by user: PainChek has no "sites of a user" route, so this is how facilityAccess is known.
 * Independent calls run in parallel, each under the source's Semaphore.
 */
export class PainChekReader implements SourceReader {
  written(): void {} // TEMP: moved onto the kit next
  private readonly users: DataLoader<string, UserRecord | null>;
  private readonly siteAccess: DataLoader<string, string[]>;
  private sites: Promise<SiteCatalog> | null = null;
  private accessIndex: Promise<Map<string, Set<string>>> | null = null;

  constructor(
    private readonly sourceId: string,
    private readonly client: PainChekClient,
    private readonly limit: Semaphore,
    private readonly ctx: RequestContext,
  ) {
    this.users = new DataLoader(async (uuids) =>
      Promise.all(uuids.map((uuid) => this.call(() => this.client.getUser(this.ctx, uuid)).then((u) => (u ? toUserRecord(this.sourceId, u) : null), (e: Error) => e))),
    );
    this.siteAccess = new DataLoader(async (sites) =>
      Promise.all(
        sites.map((site) =>
          this.allPages((page) => this.client.listSiteAccess(this.ctx, site, page)).then(
            (records) => records.filter((r) => r.active).map((r) => r.user),
            (e: Error) => e,
          ),
        ),
      ),
    );
  }

  /**
   * Page-number listing at the vendor maximum of 20. The first page reveals `count`; the pages
   * `first` still needs are then fetched in parallel (2 round trips for any `first`), unless a
   * filter must be applied in the gateway, in which case pages are walked one by one (following
   * `next`) so no page is fetched beyond what `first` needs. The cursor is the absolute offset of
   * the next vendor record, so listing resumes mid-page.
   */
  async listUsers(args: { filter: UserFilter; after: string | null; first: number; include: { userTypes: boolean; facilityAccess: boolean } }): Promise<UserPage> {
    const { filter, first, include } = args;
    let offset = decodeCursor(args.after, this.sourceId);
    if (first <= 0) return { users: [], next: encodeCursor(offset) };
    // The catalog facilityAccess needs is fetched alongside the first page, not after it.
    if (include.facilityAccess) this.prefetch(this.siteCatalog());
    const externalId = filter.externalId || undefined;
    const sequential = Object.entries(filter).some(([key, value]) => value != null && !(key === 'externalId' && externalId));
    const fetch = (page: number, next: string | null = null) =>
      this.call(() => this.client.listUsers(this.ctx, page, { externalId }, next)).then((p) => ({ ...p, users: p.results.map((u) => this.prime(toUserRecord(this.sourceId, u))) }));

    const out: UserRecord[] = [];
    let batch = [await fetch(pageOf(offset))];
    if (include.facilityAccess && batch[0]!.results.length > 0) this.prefetch(this.facilityIndex());
    for (;;) {
      for (const page of batch) {
        const base = (page.page - 1) * PAGE_SIZE;
        // A page that is not the last must be full, or offsets would drift (a smaller vendor cap).
        if (page.next !== null && page.users.length !== PAGE_SIZE) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
        for (let i = offset - base; i < page.users.length; i++) {
          offset = base + i + 1;
          if (!matchesFilter(page.users[i]!, filter)) continue;
          out.push(page.users[i]!);
          if (out.length === first) return { users: out, next: offset < page.count || page.next !== null ? encodeCursor(offset) : null };
        }
        offset = Math.max(offset, base + page.users.length);
        if (page.next === null || page.users.length === 0) return { users: out, next: null };
      }
      const last = batch[batch.length - 1]!;
      const from = pageOf(offset);
      const to = sequential ? from : Math.max(from, pageOf(Math.min(last.count, offset + first - out.length) - 1));
      batch = await Promise.all(range(from, to).map((p) => fetch(p, p === from ? last.next : null)));
    }
  }

  async user(nativeId: string): Promise<UserRecord | null> {
    // Not a uuid: the vendor cannot have it (and it never reaches a path).
    if (!isUUID(nativeId, 'all')) return null;
    return this.users.load(nativeId).catch((e: unknown) => {
      this.users.clear(nativeId);
      throw e;
    });
  }

  async userTypesOf(user: UserRecord): Promise<UserTypeRecord[]> {
    return (user.refs.userTypeIds ?? []).map((role) => toUserTypeRecord(this.sourceId, role));
  }

  async facilityAccessOf(user: UserRecord): Promise<FacilityAccessRecord[]> {
    const [catalog, index] = await Promise.all([this.siteCatalog(), this.facilityIndex()]);
    return facilityAccessFor(this.sourceId, user, index.get(user.nativeId) ?? new Set(), catalog.byId);
  }

  async userTypes(): Promise<UserTypeRecord[]> {
    return roleCatalog(this.sourceId);
  }

  async facilities(): Promise<FacilityRecord[]> {
    return (await this.siteCatalog()).list;
  }

  async userType(nativeId: string): Promise<UserTypeRecord | null> {
    return roleCatalog(this.sourceId).find((t) => t.nativeId === nativeId) ?? null;
  }

  async facility(nativeId: string): Promise<FacilityRecord | null> {
    return (await this.siteCatalog()).byId.get(nativeId) ?? null;
  }

  /** After a write: the user as the vendor returned it replaces any cached copy. */
  noteUser(user: UserRecord): void {
    this.users.clear(user.nativeId).prime(user.nativeId, user);
  }

  /** After a grant or revoke: that site's access list is stale, and so is the index built from it. */
  noteSiteAccessChanged(siteIds: string[]): void {
    for (const site of siteIds) this.siteAccess.clear(site);
    this.accessIndex = null;
  }

  private prime(user: UserRecord): UserRecord {
    this.users.prime(user.nativeId, user);
    return user;
  }

  private siteCatalog(): Promise<SiteCatalog> {
    if (!this.sites) {
      const load = this.allPages((page) => this.client.listSites(this.ctx, page)).then((sites) => {
        const list = sites.map((s) => toFacilityRecord(this.sourceId, s));
        return { list, byId: new Map(list.map((f) => [f.nativeId, f])) };
      });
      this.sites = load;
      // A failure is not cached for the rest of the request: the next caller tries again.
      load.catch(() => {
        if (this.sites === load) this.sites = null;
      });
    }
    return this.sites;
  }

  /** user uuid → uuids of the sites they hold an active access record for. */
  private facilityIndex(): Promise<Map<string, Set<string>>> {
    if (!this.accessIndex) {
      const load = this.siteCatalog().then(async (catalog) => {
        const siteIds = catalog.list.map((f) => f.nativeId);
        const lists = await this.siteAccess.loadMany(siteIds);
        const index = new Map<string, Set<string>>();
        for (const [i, users] of lists.entries()) {
          if (users instanceof Error) {
            this.siteAccess.clear(siteIds[i]!);
            throw users;
          }
          for (const user of users) {
            let sites = index.get(user);
            if (!sites) index.set(user, (sites = new Set()));
            sites.add(siteIds[i]!);
          }
        }
        return index;
      });
      this.accessIndex = load;
      load.catch(() => {
        if (this.accessIndex === load) this.accessIndex = null;
      });
    }
    return this.accessIndex;
  }

  /** Every record of a paged list: page 1, then the rest in parallel by page number (from `count`). */
  private async allPages<T extends { uuid: string }>(fetch: (page: number) => Promise<Page<T>>): Promise<T[]> {
    const first = await this.call(() => fetch(1));
    const perPage = first.results.length;
    const pages = first.next === null || perPage === 0 ? 1 : Math.ceil(first.count / perPage);
    const rest = await Promise.all(range(2, pages).map((p) => this.call(() => fetch(p))));
    // Records may shift between pages while another client writes: keep each once.
    const seen = new Set<string>();
    return [first, ...rest].flatMap((p) => p.results).filter((r) => !seen.has(r.uuid) && seen.add(r.uuid));
  }

  /** One upstream call under the source's concurrency cap. Never wraps a task that itself waits for a slot. */
  private call<T>(task: () => Promise<T>): Promise<T> {
    return this.limit.run(task, this.ctx.signal);
  }

  /** Starts a load whose result is awaited later; a failure surfaces there, not as an unhandled rejection. */
  private prefetch(load: Promise<unknown>): void {
    load.catch(() => undefined);
  }
}

function pageOf(offset: number): number {
  return Math.floor(offset / PAGE_SIZE) + 1;
}

function range(from: number, toInclusive: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= toInclusive; n++) out.push(n);
  return out;
}

/** The reader's own cursor: {"offset": n}, the absolute index of the next vendor record. */
export function encodeCursor(offset: number): string {
  return JSON.stringify({ offset });
}

export function decodeCursor(after: string | null, sourceId: string): number {
  if (after === null) return 0;
  try {
    const offset = (JSON.parse(after) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new SourceError('BAD_USER_INPUT', sourceId, 'after is not a valid cursor.', { field: 'after' });
}
