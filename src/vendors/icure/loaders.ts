import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { Slots } from '../../http/semaphore';
import type { FacilityAccessRecord, FacilityRecord, UserFilter, UserPage, UserRecord, UserTypeRecord } from '../../core/model';
import type { UserChange } from '../../core/writes';
import { PerKeyLoader, applyToUserCache, isPathSegment, mapPage } from '../../kit';
import type { IcureClient } from './client';
import { decodeCursor, encodeCursor, keyAsString, type KeysetPosition } from './cursor';
import { isDeleted, isUserDto, toUserRecord, toUserTypeRecord } from './mapper';
import type { UserDto } from './types';

/** Kraken's default (and our largest) page: `icure.pagination.defaultLimit` = 1000 rows. */
const MAX_PAGE_ROWS = 1000;
/**
 * Rows asked for per page when a filter is evaluated in the gateway: the matches per row are
 * unknown, so "what `first` still needs + 1" would walk sparse filters in many tiny pages.
 */
const FILTERED_PAGE_ROWS = 200;
/**
 * Soft-deleted users stay in iCure's list (DESIGN §9) and the gateway skips them, so an unfiltered
 * page asks for 10% more rows than needed (at least 8): one round trip instead of a second page
 * when a few deleted rows fall inside it. Extra rows cost bytes, not requests: listing resumes mid-page.
 */
export function unfilteredPageRows(need: number): number {
  return need + 1 + Math.max(8, Math.ceil(need / 10));
}

/**
 * The per-request iCure reader (one per GraphQL request). Its DataLoader caches users by id for
 * the request; lists prime it, so a listed user is never fetched again. Roles live on the user and
 * iCure users have no facility, so relations cost no request: users(first:100){userTypes
 * facilityAccess} is exactly one upstream call (GET /rest/v2/user?limit=111).
 */
export class IcureReader implements SourceReader {
  private readonly users: PerKeyLoader<string, UserRecord | null>;

  constructor(
    private readonly sourceId: string,
    private readonly client: IcureClient,
    /** Per-source limit (created once in createConnector) on parallel GET /rest/v2/user/{id}. */
    private readonly semaphore: Slots,
    private readonly ctx: RequestContext,
  ) {
    // iCure has no batch get-by-ids on v2 users that we rely on: one GET per id, in parallel under the cap.
    this.users = new PerKeyLoader((id) => this.fetchUser(id), { sourceId, semaphore, signal: ctx.signal });
  }

  async listUsers(args: { filter: UserFilter; after: string | null; first: number; include: { userTypes: boolean; facilityAccess: boolean } }): Promise<UserPage> {
    // No catalog to start in parallel: user types are the user's own role strings, facilities do not exist.
    const start = decodeCursor(this.sourceId, args.after);
    if (args.first <= 0) return { users: [], next: encodeCursor(start) };
    if (args.filter.email != null) return this.listByEmail(args.filter, start);
    return this.walk(args.filter, start, args.first);
  }

  async user(nativeId: string): Promise<UserRecord | null> {
    // An id that cannot be a path segment cannot name an iCure user.
    if (!isPathSegment(nativeId)) return null;
    return this.users.load(nativeId);
  }

  /** Roles are strings on the user record itself: answered synchronously (no vendor call). */
  userTypesOf(user: UserRecord): UserTypeRecord[] {
    return (user.refs.userTypeIds ?? []).map((role) => toUserTypeRecord(this.sourceId, role));
  }

  facilityAccessOf(): FacilityAccessRecord[] {
    return [];
  }

  async userTypes(): Promise<UserTypeRecord[]> {
    throw new SourceError('UNSUPPORTED_BY_VENDOR', this.sourceId, 'iCure has no catalog of roles: roles are free strings on each user.');
  }

  async facilities(): Promise<FacilityRecord[]> {
    throw new SourceError('UNSUPPORTED_BY_VENDOR', this.sourceId, 'iCure users have no facilities.');
  }

  /** Any non-empty role string is a valid iCure role, so node(id) on a role we produced resolves. */
  async userType(nativeId: string): Promise<UserTypeRecord | null> {
    return nativeId.trim() === '' ? null : toUserTypeRecord(this.sourceId, nativeId);
  }

  async facility(): Promise<FacilityRecord | null> {
    return null;
  }

  /** After a write (kit reader-cache contract): the user as written, gone, or forgotten. Roles live on the user. */
  written(nativeId: string, change: UserChange): void {
    applyToUserCache(this.users, nativeId, change);
  }

  /**
   * Walks keyset pages from `pos` until `first` users matched. Each page asks for more than is
   * still needed (unfilteredPageRows): a full page then says whether more exist, and the first
   * unused row's key becomes `next` without a further request. A row of the wrong shape is left
   * out and counted (kit mapPage); it cannot be a position, so a cursor never points at one.
   */
  private async walk(filter: UserFilter, start: KeysetPosition, first: number): Promise<UserPage> {
    const found: UserRecord[] = [];
    let skipped = 0;
    const done = (next: string | null): UserPage => ({ users: found, next, ...(skipped > 0 ? { skipped } : {}) });
    const filtered = Object.values(filter).some((v) => v != null);
    let pos = start;
    for (;;) {
      const need = first - found.length;
      const limit = Math.min(MAX_PAGE_ROWS, filtered ? Math.max(need + 1, FILTERED_PAGE_ROWS) : unfilteredPageRows(need));
      const page = await this.client.listUsers({ ...pos, limit }, { ctx: this.ctx });
      for (const row of mapPage(page.rows, (r) => (isUserDto(r) ? r : null)).slots) {
        if (row === null) {
          skipped++;
          continue;
        }
        // Enough users: this row is where the next page starts (resumable mid-page).
        if (found.length === first) return done(encodeCursor({ startKey: row.login ?? '', startDocumentId: row.id }));
        const user = this.see(row);
        if (user && matchesFilter(user, filter)) found.push(user);
      }
      const nextPair = page.nextKeyPair;
      if (!nextPair) return done(null);
      const nextPos = { startKey: keyAsString(nextPair.startKey), startDocumentId: nextPair.startKeyDocId };
      // A server that hands back the position it was given would loop forever.
      if (page.rows.length === 0 || (nextPos.startKey === pos.startKey && nextPos.startDocumentId === pos.startDocumentId)) {
        throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
      }
      pos = nextPos;
      if (found.length === first) return done(encodeCursor(pos));
    }
  }

  /**
   * Email filter pushed down to GET /rest/v2/user/byEmail/{email}: at most one user, then the
   * filter is re-applied in full. A cursor from an earlier page keeps only a user at or after it.
   */
  private async listByEmail(filter: UserFilter, pos: KeysetPosition): Promise<UserPage> {
    const email = filter.email!;
    if (!isPathSegment(email)) return { users: [], next: null };
    const dto = await this.client.getUserByEmail(email, { ctx: this.ctx });
    const user = dto ? this.see(dto) : null;
    const atOrAfter = !dto || pos.startKey === null || compareKeys(dto.login ?? '', dto.id, pos.startKey, pos.startDocumentId ?? '') >= 0;
    return { users: user && atOrAfter && matchesFilter(user, filter) ? [user] : [], next: null };
  }

  /** Maps a listed row and primes the loader with it; soft-deleted rows prime null and are skipped. */
  private see(dto: UserDto): UserRecord | null {
    const user = isDeleted(dto) ? null : toUserRecord(this.sourceId, dto);
    this.users.prime(dto.id, user);
    return user;
  }

  private async fetchUser(id: string): Promise<UserRecord | null> {
    const dto = await this.client.getUser(id, { ctx: this.ctx });
    return dto && !isDeleted(dto) ? toUserRecord(this.sourceId, dto) : null;
  }
}

function compareKeys(aKey: string, aId: string, bKey: string, bId: string): number {
  if (aKey !== bKey) return aKey < bKey ? -1 : 1;
  return aId === bId ? 0 : aId < bId ? -1 : 1;
}
