import { SourceError, isSourceError } from '../core/errors';
import type { UserFilter, UserRecord } from '../core/model';
import type { RequestScope } from './request-scope';
import { decodeCursor, encodeCursor, queryKey, type UsersCursor } from './cursor';

export interface WalkArgs {
  filter: UserFilter;
  sources: string[] | null;
  first: number;
  after: string | null;
  include: { userTypes: boolean; facilityAccess: boolean };
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
 * `users`: walks the selected sources in order, asking each for pages until `first` users are
 * collected. A failing source is skipped and reported (partial results), never fatal; records a
 * reader had to leave out are reported once per source as SOURCE_BAD_RESPONSE beside the rest.
 */
export async function walkUsers(gctx: RequestScope, args: WalkArgs): Promise<WalkResult> {
  const selected = args.sources ?? gctx.visibleConnectors().map((c) => c.sourceId);
  selected.forEach((id) => gctx.connector(id, 'sources'));
  if (new Set(selected).size !== selected.length) throw new SourceError('BAD_USER_INPUT', '', 'sources must not repeat a source.', { field: 'sources' });
  const q = queryKey(args.filter, selected);
  const start: UsersCursor = args.after ? decodeCursor(args.after, q) : { s: selected[0]!, a: null, k: 0 };
  const startIndex = selected.indexOf(start.s);
  if (startIndex < 0) throw new SourceError('BAD_USER_INPUT', '', 'after belongs to a query with another source list.', { field: 'after' });

  const edges: WalkResult['edges'] = [];
  const sourceErrors: WalkResult['sourceErrors'] = [];
  let resume: UsersCursor | null = null;
  let moreLeft = false;

  for (let i = startIndex; i < selected.length; i++) {
    const sourceId = selected[i]!;
    let pos = i === startIndex ? start.a : null;
    let skip = i === startIndex ? start.k : 0;
    let exhausted = false;
    let skipped = 0;
    let failedCode: string | null = null;
    if (edges.length >= args.first) {
      moreLeft = true; // this source has not been looked at yet
      resume = { s: sourceId, a: null, k: 0 };
      break;
    }
    try {
      while (edges.length < args.first) {
        const need = args.first - edges.length;
        const page = await gctx.reader(sourceId).listUsers({ filter: args.filter, after: pos, first: need + skip, include: args.include });
        skipped += page.skipped ?? 0;
        const fresh = page.users.slice(skip);
        fresh.forEach((node, j) => edges.push({ node, cursor: encodeCursor(q, { s: sourceId, a: pos, k: skip + j + 1 }) }));
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
    if (!exhausted) {
      // Stopped because the page is full: resume exactly where this source's next call would start.
      moreLeft = true;
      resume = { s: sourceId, a: pos, k: skip };
      break;
    }
    resume = i + 1 < selected.length ? { s: selected[i + 1]!, a: null, k: 0 } : null;
  }
  return {
    edges,
    hasNextPage: moreLeft,
    endCursor: edges.length === 0 ? null : moreLeft && resume ? encodeCursor(q, resume) : edges[edges.length - 1]!.cursor,
    sourceErrors,
  };
}
