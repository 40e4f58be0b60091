import DataLoader from 'dataloader';
import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { UserChange } from '../../core/writes';
import { offsetCursor } from '../../kit';
import type { OpenDentalClient } from './client';
import { toFacilityRecord, toUserTypeRecord, unlistedFacility } from './mapper';
import type { UserodPages } from './pages';
import { PAGE_SIZE } from './types';

/** A UserNum as the connector accepts it (anything else cannot exist, so it is answered without a call). */
const USER_NUM = /^[1-9][0-9]{0,14}$/;

/**
 * The per-request reader (one per GraphQL request; nothing here outlives it). Open Dental has no
 * get-by-id, so users come from the request's list pages (pages.ts, shared with the writer):
 *  - a listing walks pages (GET /userods, Limit 100, Offsets aligned to 100) as far as `first` needs;
 *  - `user(n)` goes through a DataLoader whose batch walks includeHidden=true pages only up to the
 *    page holding the last id asked (a listed user costs nothing; one on page 1 costs one call);
 *  - the user-group and clinic catalogs are loaded at most once per request.
 */
export class OpenDentalReader implements SourceReader {
  private groups: Promise<Map<string, UserTypeRecord>> | null = null;
  private clinics: Promise<Map<string, FacilityRecord>> | null = null;
  private readonly users: DataLoader<string, UserRecord | null>;

  constructor(
    private readonly client: OpenDentalClient,
    private readonly pages: UserodPages,
    private readonly ctx: RequestContext,
  ) {
    this.users = new DataLoader(async (ids) => {
      const found = await this.pages.find(ids);
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  private get sourceId(): string {
    return this.client.sourceId;
  }

  async listUsers(args: { filter: UserFilter; after: string | null; first: number; include: { userTypes: boolean; facilityAccess: boolean } }): Promise<UserPage> {
    // Catalogs start now, beside the first page, not after it.
    if (args.include.userTypes) quiet(this.groupCatalog());
    if (args.include.facilityAccess) quiet(this.clinicCatalog());
    // Only active=true can be pushed down (hidden users are left out unless includeHidden=true).
    const includeHidden = args.filter.active !== true;
    let offset = offsetCursor.decode(args.after, this.sourceId)?.offset ?? 0;
    const users: UserRecord[] = [];
    if (args.first <= 0) return { users, next: offsetCursor.encode({ offset }) };

    let exhausted = false;
    // Malformed rows walked over (left out, one by one): the slot keeps offsets exact.
    let skipped = 0;
    while (users.length < args.first) {
      const base = offset - (offset % PAGE_SIZE);
      const rows = (await this.pages.page(includeHidden, base)).slots;
      let i = offset - base;
      for (; i < rows.length && users.length < args.first; i++) {
        const row = rows[i]!;
        if (row === null) skipped++;
        else if (matchesFilter(row, args.filter)) users.push(row);
      }
      offset = base + i;
      // A page shorter than 100 is the last one; a full page means there may be more.
      if (rows.length < PAGE_SIZE) {
        exhausted = i >= rows.length;
        break;
      }
    }
    return { users, next: exhausted ? null : offsetCursor.encode({ offset }), ...(skipped > 0 ? { skipped } : {}) };
  }

  async user(nativeId: string): Promise<UserRecord | null> {
    return USER_NUM.test(nativeId) ? this.users.load(nativeId) : null;
  }

  async userTypesOf(user: UserRecord): Promise<UserTypeRecord[]> {
    const ids = user.refs.userTypeIds ?? [];
    if (ids.length === 0) return [];
    const catalog = await this.groupCatalog();
    // A group missing from the catalog is a CEMT group (never listed): left out.
    return ids.flatMap((id) => catalog.get(id) ?? []);
  }

  async facilityAccessOf(user: UserRecord): Promise<FacilityAccessRecord[]> {
    const refs = user.refs.facilities ?? [];
    if (refs.length === 0) return [];
    const catalog = await this.clinicCatalog();
    return refs.map((r) => ({ facility: catalog.get(r.facilityId) ?? unlistedFacility(this.sourceId, r.facilityId), primary: r.primary }));
  }

  async userTypes(): Promise<UserTypeRecord[]> {
    return [...(await this.groupCatalog()).values()];
  }

  async facilities(): Promise<FacilityRecord[]> {
    return [...(await this.clinicCatalog()).values()];
  }

  async userType(nativeId: string): Promise<UserTypeRecord | null> {
    return (await this.groupCatalog()).get(nativeId) ?? null;
  }

  async facility(nativeId: string): Promise<FacilityRecord | null> {
    return (await this.clinicCatalog()).get(nativeId) ?? null;
  }

  /** After a write (kit reader-cache contract): the request's pages are stale, the user is known as written. */
  written(nativeId: string, change: UserChange): void {
    this.pages.written(nativeId, change);
    this.users.clear(nativeId);
  }

  private groupCatalog(): Promise<Map<string, UserTypeRecord>> {
    this.groups ??= this.client.listUserGroups({ ctx: this.ctx }).then((rows) => new Map(rows.map((g) => [String(g.UserGroupNum), toUserTypeRecord(this.sourceId, g)])));
    return this.groups;
  }

  private clinicCatalog(): Promise<Map<string, FacilityRecord>> {
    this.clinics ??= this.client.listClinics({ ctx: this.ctx }).then((rows) => new Map(rows.map((c) => [String(c.ClinicNum), toFacilityRecord(this.sourceId, c)])));
    return this.clinics;
  }
}

/** Prefetch: the promise is kept and awaited later; its rejection is handled there, not here. */
function quiet(p: Promise<unknown>): void {
  p.catch(() => undefined);
}
