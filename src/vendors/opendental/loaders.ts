import DataLoader from 'dataloader';
import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { WriteRecorder } from '../../core/writes';
import type { OpenDentalClient } from './client';
import { toFacilityRecord, toUserRecord, toUserTypeRecord, unlistedFacility } from './mapper';
import { PAGE_SIZE } from './types';

/** A UserNum as the connector accepts it (anything else cannot exist, so it is answered without a call). */
const USER_NUM = /^[1-9][0-9]{0,14}$/;

/**
 * The per-request reader (one per GraphQL request; nothing here outlives it). Open Dental has no
 * get-by-id, so:
 *  - list pages (GET /userods, Limit 100, Offsets aligned to 100) are memoised per request, so a
 *    listing and a scan that need the same page share one call;
 *  - `user(n)` goes through a DataLoader whose batch runs one scan of every page with
 *    includeHidden=true — one scan per request however many ids are asked — and every page primes it;
 *  - the user-group and clinic catalogs are loaded at most once per request.
 */
export class OpenDentalReader implements SourceReader {
  written(): void {} // TEMP: moved onto the kit next
  private readonly pages = new Map<string, Promise<UserRecord[]>>();
  private scanned: Promise<Map<string, UserRecord>> | null = null;
  private groups: Promise<Map<string, UserTypeRecord>> | null = null;
  private clinics: Promise<Map<string, FacilityRecord>> | null = null;
  private readonly users: DataLoader<string, UserRecord | null>;

  constructor(
    private readonly client: OpenDentalClient,
    private readonly ctx: RequestContext,
  ) {
    this.users = new DataLoader(async (ids) => {
      const all = await this.scan();
      return ids.map((id) => all.get(id) ?? null);
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
    let offset = decodeCursor(args.after, this.sourceId);
    const users: UserRecord[] = [];
    if (args.first <= 0) return { users, next: encodeCursor(offset) };

    let exhausted = false;
    while (users.length < args.first) {
      const base = offset - (offset % PAGE_SIZE);
      const rows = await this.page(includeHidden, base);
      let i = offset - base;
      for (; i < rows.length && users.length < args.first; i++) {
        if (matchesFilter(rows[i]!, args.filter)) users.push(rows[i]!);
      }
      offset = base + i;
      // A page shorter than 100 is the last one; a full page means there may be more.
      if (rows.length < PAGE_SIZE) {
        exhausted = i >= rows.length;
        break;
      }
    }
    return { users, next: exhausted ? null : encodeCursor(offset) };
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

  /**
   * For a read-modify-write: the user from the request's scan (started now with the write's
   * recorder, so its pages show up as steps, or reused when this request already ran it).
   */
  async userForWrite(nativeId: string, recorder: WriteRecorder): Promise<UserRecord | null> {
    return (await this.scan(recorder)).get(nativeId) ?? null;
  }

  /** After a write: list pages and the scan are stale; the written user is known. */
  afterWrite(user: UserRecord | null, nativeId?: string): void {
    this.pages.clear();
    this.scanned = null;
    const id = user?.nativeId ?? nativeId;
    if (id !== undefined) this.users.clear(id);
    if (user) this.users.prime(user.nativeId, user);
  }

  private page(includeHidden: boolean, offset: number, recorder?: WriteRecorder): Promise<UserRecord[]> {
    const key = `${includeHidden}:${offset}`;
    let p = this.pages.get(key);
    if (!p) {
      p = this.client.listUserods({ includeHidden, offset }, { ctx: this.ctx, recorder }).then((rows) => {
        const records = rows.map((r) => toUserRecord(this.sourceId, r));
        for (const u of records) this.users.prime(u.nativeId, u);
        return records;
      });
      // A failed page is not kept: a later caller in the same request may try again.
      const failed = p;
      failed.catch(() => {
        if (this.pages.get(key) === failed) this.pages.delete(key);
      });
      this.pages.set(key, p);
    }
    return p;
  }

  /** Every page with includeHidden=true, walked once per request. */
  private scan(recorder?: WriteRecorder): Promise<Map<string, UserRecord>> {
    if (!this.scanned) {
      const run = async () => {
        const all = new Map<string, UserRecord>();
        for (let offset = 0; ; offset += PAGE_SIZE) {
          const rows = await this.page(true, offset, recorder);
          for (const u of rows) all.set(u.nativeId, u);
          if (rows.length < PAGE_SIZE) return all;
        }
      };
      const started = run();
      started.catch(() => {
        if (this.scanned === started) this.scanned = null;
      });
      this.scanned = started;
    }
    return this.scanned;
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

/** The cursor is our own JSON: the vendor Offset of the next unread row. */
function encodeCursor(offset: number): string {
  return JSON.stringify({ offset });
}

function decodeCursor(after: string | null, sourceId: string): number {
  if (after === null) return 0;
  try {
    const { offset } = JSON.parse(after) as { offset?: unknown };
    if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
  } catch {
    // fall through
  }
  throw new SourceError('BAD_USER_INPUT', sourceId, 'after is not a cursor of this source.', { field: 'after' });
}
