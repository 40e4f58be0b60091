import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { UserRecord } from '../../core/model';
import type { UserChange, WriteRecorder } from '../../core/writes';
import { mapPage, type MappedPage } from '../../kit';
import type { OpenDentalClient } from './client';
import { toUserRecord } from './mapper';
import { isUserod } from './shapes';
import { PAGE_SIZE } from './types';

/**
 * The GET /userods pages of one request, shared by that request's reader and writer (kit
 * perRequest, in connector.ts). Open Dental has no get-by-id, so a user is found by walking pages;
 * this object makes sure no page is fetched twice in a request and that a walk stops as soon as
 * it has what it looks for:
 *  - pages (Limit 100, Offsets aligned to 100) are memoised by (includeHidden, offset), so a
 *    listing, a get-by-id and a read-modify-write that need the same page share one call;
 *  - `find(ids)` walks includeHidden=true pages from the first and stops at the page that holds
 *    the last id it still misses (or at the last page): a user on page 1 costs one call;
 *  - every record a page held is known afterwards, so a listed user needs no walk at all;
 *  - records of the wrong shape are left out one by one (kit mapPage); asking for one of them by
 *    id is SOURCE_BAD_RESPONSE rather than "no such user".
 */
export class UserodPages {
  private readonly memo = new Map<string, Promise<MappedPage<UserRecord>>>();
  /** Every user a page (or a write) of this request showed, by UserNum. */
  private readonly known = new Map<string, UserRecord>();
  /** UserNums of records a page held in the wrong shape. */
  private readonly malformed = new Set<string>();

  constructor(
    private readonly client: OpenDentalClient,
    private readonly ctx: RequestContext,
  ) {}

  /** One page; `recorder` (a write's) records the call as a mutation step when it is really made. */
  page(includeHidden: boolean, offset: number, recorder?: WriteRecorder): Promise<MappedPage<UserRecord>> {
    const key = `${includeHidden}:${offset}`;
    let p = this.memo.get(key);
    if (!p) {
      const sourceId = this.client.sourceId;
      p = this.client.listUserods({ includeHidden, offset }, { ctx: this.ctx, recorder }).then((rows) => {
        const page = mapPage(rows, (r) => (isUserod(r) ? toUserRecord(sourceId, r) : null), userNumOf);
        for (const u of page.records) this.known.set(u.nativeId, u);
        for (const s of page.skipped) if (s.nativeId !== null) this.malformed.add(s.nativeId);
        return page;
      });
      // A failed page is not kept: a later caller in the same request may try again.
      const failed = p;
      failed.catch(() => {
        if (this.memo.get(key) === failed) this.memo.delete(key);
      });
      this.memo.set(key, p);
    }
    return p;
  }

  /** The users with these UserNums (null when Open Dental has none), walking no further than needed. */
  async find(ids: readonly string[], recorder?: WriteRecorder): Promise<Map<string, UserRecord | null>> {
    const missing = () => ids.filter((id) => !this.known.has(id) && !this.malformed.has(id));
    for (let offset = 0; missing().length > 0; offset += PAGE_SIZE) {
      const page = await this.page(true, offset, recorder);
      // A page shorter than 100 is the last one.
      if (page.slots.length < PAGE_SIZE) break;
    }
    const out = new Map<string, UserRecord | null>();
    for (const id of ids) {
      if (!this.known.has(id) && this.malformed.has(id)) throw new SourceError('SOURCE_BAD_RESPONSE', this.client.sourceId);
      out.set(id, this.known.get(id) ?? null);
    }
    return out;
  }

  /** After a write: every page may be stale; the written user is known as written. */
  written(nativeId: string, change: UserChange): void {
    this.memo.clear();
    this.malformed.clear();
    if (change.kind === 'saved') this.known.set(nativeId, change.user);
    else this.known.delete(nativeId);
  }
}

/** The UserNum of a raw record, when it has a readable one (for a malformed record). */
function userNumOf(raw: unknown): string | null {
  const n = (raw as { UserNum?: unknown } | null)?.UserNum;
  return Number.isSafeInteger(n) ? String(n) : null;
}
