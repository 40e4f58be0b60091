import { isUUID } from 'class-validator';
import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { Slots } from '../../http/semaphore';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { UserChange } from '../../core/writes';
import { PerKeyLoader, applyToUserCache, mapPage, offsetCursor } from '../../kit';
import { PAGE_SIZE, type Page, type PainChekClient } from './client';
import { facilityAccessFor, roleCatalog, toFacilityRecord, toUserRecord, toUserTypeRecord } from './mapper';
import { pcUserSchema } from './payloads';

interface SiteCatalog {
  list: FacilityRecord[];
  byId: Map<string, FacilityRecord>;
}

/**
 * The per-request reader (one per GraphQL request). Loads, each at most once per request:
 *  - users by uuid (kit PerKeyLoader; primed from every listed page, whose records are mapped one
 *    by one so that a malformed record is left out and counted rather than failing the page);
 *  - the sites catalog (all pages of GET /api/sites/);
 *  - each site's access list (all pages of GET /api/sites/{site}/users/; DataLoader by site),
 *    indexed by user: PainChek has no "sites of a user" route, so this is how facilityAccess is known.
 * Independent calls run in parallel, each under the source's Semaphore.
 */
export class PainChekReader implements SourceReader {
  private readonly users: PerKeyLoader<string, UserRecord | null>;
  private readonly siteAccess: PerKeyLoader<string, string[]>;
  private sites: Promise<SiteCatalog> | null = null;
  private accessIndex: Promise<Map<string, Set<string>>> | null = null;

  constructor(
    private readonly sourceId: string,
    private readonly client: PainChekClient,
    private readonly limit: Slots,
    private readonly ctx: RequestContext,
  ) {
    this.users = new PerKeyLoader(
      async (uuid) => {
        const u = await this.client.getUser(this.ctx, uuid);
        return u ? toUserRecord(this.sourceId, u) : null;
      },
      { sourceId, semaphore: limit, signal: ctx.signal },
    );
    // Several pages per site, each taking its own place: the loader itself holds none.
    this.siteAccess = new PerKeyLoader(
      async (site) => (await this.allPages((page) => this.client.listSiteAccess(this.ctx, site, page))).filter((r) => r.active).map((r) => r.user),
      { sourceId, semaphore: null, signal: ctx.signal },
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
    let offset = offsetCursor.decode(args.after, this.sourceId)?.offset ?? 0;
    if (first <= 0) return { users: [], next: offsetCursor.encode({ offset }) };
    // The catalog facilityAccess needs is fetched alongside the first page, not after it.
    if (include.facilityAccess) this.prefetch(this.siteCatalog());
    const externalId = filter.externalId || undefined;
    const sequential = Object.entries(filter).some(([key, value]) => value != null && !(key === 'externalId' && externalId));
    const fetch = (page: number, next: string | null = null) =>
      this.call(() => this.client.listUsers(this.ctx, page, { externalId }, next)).then((p) => ({ ...p, users: this.mapUsers(p.results) }));

    const out: UserRecord[] = [];
    // Malformed records walked over (left out one by one; their slot keeps offsets exact).
    let skipped = 0;
    const done = (next: string | null): UserPage => ({ users: out, next, ...(skipped > 0 ? { skipped } : {}) });
    let batch = [await fetch(pageOf(offset))];
    if (include.facilityAccess && batch[0]!.results.length > 0) this.prefetch(this.facilityIndex());
    for (;;) {
      for (const page of batch) {
        const base = (page.page - 1) * PAGE_SIZE;
        // A page that is not the last must be full, or offsets would drift (a smaller vendor cap).
        if (page.next !== null && page.users.length !== PAGE_SIZE) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
        for (let i = offset - base; i < page.users.length; i++) {
          offset = base + i + 1;
          const user = page.users[i]!;
          if (user === null) skipped++;
          if (user === null || !matchesFilter(user, filter)) continue;
          out.push(user);
          if (out.length === first) return done(offset < page.count || page.next !== null ? offsetCursor.encode({ offset }) : null);
        }
        offset = Math.max(offset, base + page.users.length);
        if (page.next === null || page.users.length === 0) return done(null);
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
    return this.users.load(nativeId);
  }

  /** Roles are on the user record itself: answered synchronously (no vendor call). */
  userTypesOf(user: UserRecord): UserTypeRecord[] {
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

  /**
   * After a write (kit reader-cache contract): the user as the vendor returned it replaces any
   * cached copy; after a grant or revoke, those sites' access lists are stale, and so is the index.
   */
  written(nativeId: string, change: UserChange): void {
    applyToUserCache(this.users, nativeId, change);
    if (change.kind === 'relations') {
      for (const site of change.facilityIds ?? []) this.siteAccess.clear(site);
      this.accessIndex = null;
    }
  }

  /** A page's records, one slot each (null: malformed, left out); the good ones prime the user loader. */
  private mapUsers(results: unknown[]): Array<UserRecord | null> {
    const page = mapPage(results, (r) => {
      const parsed = pcUserSchema.safeParse(r);
      return parsed.success ? toUserRecord(this.sourceId, parsed.data) : null;
    });
    for (const u of page.records) this.users.prime(u.nativeId, u);
    return page.slots;
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
          if (users instanceof Error) throw users;
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
