import { SourceError, isSourceError } from '../core/errors';
import type { UserFilter, UserPage, UserRecord } from '../core/model';
import { isEmptyFilter } from '../core/filter';
import type { RequestScope } from './request-scope';
import type { AskedRelations } from './early-relations';
import { decodeCursor, encodeCursor, queryKey, type UsersCursor } from './cursor';

/** An edge whose cursor is encoded only when read: most queries never ask for edge cursors. */
class WalkEdge {
  constructor(
    readonly node: UserRecord,
    private readonly q: string,
    private readonly at: UsersCursor,
  ) {}
  get cursor(): string {
    return encodeCursor(this.q, this.at);
  }
}

export interface WalkArgs {
  filter: UserFilter;
  sources: string[] | null;
  first: number;
  after: string | null;
  include: { userTypes: boolean; facilityAccess: boolean };
  /** The relations asked of every user on the page (precise): started as each source's users are taken. */
  asked?: AskedRelations;
}

export interface WalkResult {
  edges: Array<{ cursor: string; node: UserRecord }>;
  hasNextPage: boolean;
  endCursor: string | null;
  sourceErrors: Array<{ source: string; code: string; message: string }>;
}

/** Built from the count only: a skipped record's content may be personal data. */
function skippedMessage(count: number): string {
  return `${count} user record${count === 1 ? '' : 's'} from this source could not be understood and ${count === 1 ? 'was' : 'were'} left out.`;
}

/**
 * The sources a `users` page reads: the ones named (each visible to the caller, none twice), or
 * every source the caller may see, in configured order.
 */
export function selectSources(scope: RequestScope, sources: string[] | null): string[] {
  const selected = sources ?? scope.visibleConnectors().map((c) => c.sourceId);
  selected.forEach((id) => scope.connector(id, 'sources'));
  if (new Set(selected).size !== selected.length) throw new SourceError('BAD_USER_INPUT', '', 'sources must not repeat a source.', { field: 'sources' });
  return selected;
}

/**
 * `users`: walks the selected sources in order, asking each for pages until `first` users are
 * collected. A failing source is skipped and reported (partial results), never fatal; records a
 * reader had to leave out are reported once per source as SOURCE_BAD_RESPONSE beside the rest.
 */
export async function walkUsers(gctx: RequestScope, args: WalkArgs): Promise<WalkResult> {
  const selected = selectSources(gctx, args.sources);
  const q = queryKey(args.filter, selected);
  const start: UsersCursor = args.after ? decodeCursor(args.after, q) : { s: selected[0]!, a: null, k: 0 };
  const startIndex = selected.indexOf(start.s);
  if (startIndex < 0) throw new SourceError('BAD_USER_INPUT', '', 'after belongs to a query with another source list.', { field: 'after' });

  const edges: WalkResult['edges'] = [];
  const sourceErrors: WalkResult['sourceErrors'] = [];
  let resume: UsersCursor | null = null;
  let moreLeft = false;

  // Parallel sources: when the sources before one are known (size hints) to hold fewer users
  // than the page needs, that source's first page is certainly needed, so it is asked now instead
  // of after the ones before it. Unknown sizes stop the chain: nothing speculative is sent blind.
  const hints = gctx.sizeHints;
  const prefetched = new Map<string, Promise<UserPage>>();
  let known = 0;
  for (let i = startIndex; i < selected.length - 1 && hints; i++) {
    const size = hints.get(selected[i]!);
    if (size === undefined || (i === startIndex && start.a !== null)) break;
    known += i === startIndex ? Math.max(0, size - start.k) : size;
    if (known >= args.first) break;
    const next = selected[i + 1]!;
    const page = gctx.reader(next).listUsers({ filter: args.filter, after: null, first: args.first, include: args.include });
    page.catch(() => undefined); // reported when the walk reaches this source, or never needed
    prefetched.set(next, page);
  }
  let speculativeUsed = 0;

  for (let i = startIndex; i < selected.length; i++) {
    const sourceId = selected[i]!;
    let pos = i === startIndex ? start.a : null;
    let skip = i === startIndex ? start.k : 0;
    const fromStart = pos === null && skip === 0;
    let exhausted = false;
    let stoppedAt: UsersCursor | null = null;
    let skipped = 0;
    let seen = 0;
    let failedCode: string | null = null;
    if (edges.length >= args.first) {
      moreLeft = true; // this source has not been looked at yet
      resume = { s: sourceId, a: null, k: 0 };
      break;
    }
    try {
      while (edges.length < args.first) {
        const need = args.first - edges.length;
        const early = pos === null && skip === 0 ? prefetched.get(sourceId) : undefined;
        if (early) {
          prefetched.delete(sourceId);
          speculativeUsed++;
        }
        const page = await (early ?? gctx.reader(sourceId).listUsers({ filter: args.filter, after: pos, first: need + skip, include: args.include }));
        skipped += page.skipped ?? 0;
        seen += page.users.length;
        const fresh = page.users.slice(skip);
        const taken = fresh.slice(0, need);
        taken.forEach((node, j) => edges.push(new WalkEdge(node, q, { s: sourceId, a: pos, k: skip + j + 1 })));
        // These users are on the page: their per-user relation calls can start now.
        if (args.asked) gctx.earlyRelations.start(gctx.reader(sourceId), gctx.connector(sourceId).costs, taken, args.asked);
        if (taken.length < fresh.length) {
          // An early page holds more than this page needs: the rest is where the next page starts.
          stoppedAt = { s: sourceId, a: pos, k: skip + taken.length };
          break;
        }
        if (page.next === null) {
          exhausted = true;
          break;
        }
        // A vendor that hands back the position it was given would make clients page forever.
        if (page.users.length === 0 && page.next === pos) throw new SourceError('SOURCE_BAD_RESPONSE', sourceId);
        pos = page.next;
        skip = 0;
      }
    } catch (err) {
      if (!isSourceError(err)) throw err;
      const failure = new SourceError(err.code, sourceId, err.message, err.details);
      sourceErrors.push({ source: sourceId, code: failure.code, message: failure.message });
      gctx.reportFailure(failure, ['users']);
      failedCode = failure.code;
      exhausted = true;
    }
    // Records the vendor sent but the reader could not map were left out (UserPage.skipped): the
    // good ones are returned, and the source gets one error that counts them — never their content.
    if (skipped > 0 && failedCode !== 'SOURCE_BAD_RESPONSE') {
      const failure = new SourceError('SOURCE_BAD_RESPONSE', sourceId, skippedMessage(skipped));
      sourceErrors.push({ source: sourceId, code: failure.code, message: failure.message });
      gctx.reportFailure(failure, ['users']);
    }
    if (exhausted && failedCode === null && fromStart && isEmptyFilter(args.filter)) hints?.set(sourceId, seen + skipped);
    if (stoppedAt) {
      moreLeft = true;
      resume = stoppedAt;
      break;
    }
    if (!exhausted) {
      // Stopped because the page is full: resume exactly where this source's next call would start.
      moreLeft = true;
      resume = { s: sourceId, a: pos, k: skip };
      break;
    }
    resume = i + 1 < selected.length ? { s: selected[i + 1]!, a: null, k: 0 } : null;
  }
  if (prefetched.size > 0 || speculativeUsed > 0) gctx.logger.debug('users_parallel_sources', { requestId: gctx.request.requestId, used: speculativeUsed, unused: prefetched.size });
  gctx.speculativePages.used += speculativeUsed;
  gctx.speculativePages.unused += prefetched.size;
  return {
    edges,
    hasNextPage: moreLeft,
    endCursor: edges.length === 0 ? null : moreLeft && resume ? encodeCursor(q, resume) : edges[edges.length - 1]!.cursor,
    sourceErrors,
  };
}
