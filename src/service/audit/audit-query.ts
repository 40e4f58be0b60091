import { seesSource, type Caller } from '../../auth/caller';
import { SourceError } from '../../core/errors';
import type { AuditEventRecord, AuditFilter, AuditRepository } from '../../store/types';
import { decodeAuditCursor, encodeAuditCursor } from '../../store/audit-cursor';

/**
 * `auditEvents` (docs/store-and-audit.md): newest first, keyset-paged by the repository. The caller's
 * `audit:read` scope is checked by the resolver before this runs; this applies the caller's
 * source grant (docs/callers-and-limits.md: a source outside it answers like an unknown one).
 *
 * Edge cursors: the repository's cursor is the keyset position [at, id] of an event
 * (src/store/audit-cursor.ts) and its `endCursor` is that of a page's last event, so every edge
 * gets the position of its own event — continuing after any edge is a keyset read too, stable
 * while events are written, and the last edge's cursor is exactly the repository's endCursor.
 */
export interface AuditQuery {
  filter: AuditFilter;
  /** 1–100 (validated on the GraphQL arguments). */
  first: number;
  after: string | null;
}

export interface AuditConnectionRecord {
  edges: Array<{ cursor: string; node: AuditEventRecord }>;
  hasNextPage: boolean;
  endCursor: string | null;
}

export async function listAuditEvents(repo: AuditRepository, caller: Caller, query: AuditQuery): Promise<AuditConnectionRecord> {
  // A malformed cursor is BAD_USER_INPUT whatever the filter, so a hidden source answers like an unknown one.
  if (query.after !== null) decodeAuditCursor(query.after);
  const filter = grantedFilter(caller, query.filter);
  // Nothing this caller may see: answered without a store read, exactly like an unknown source.
  if (filter === null) return { edges: [], hasNextPage: false, endCursor: null };
  const page = await repo.list(filter, query.first, query.after);
  const edges = page.events.map((node) => ({ cursor: encodeAuditCursor(node), node }));
  return { edges, hasNextPage: page.hasNextPage, endCursor: page.endCursor };
}

/**
 * The filter limited to the caller's grant, or null when the named source is outside it. A
 * caller granted several sources must name one: AuditFilter takes a single source.
 */
function grantedFilter(caller: Caller, filter: AuditFilter): AuditFilter | null {
  if (caller.sources === null) return filter;
  if (filter.source != null) return seesSource(caller, filter.source) ? filter : null;
  if (caller.sources.size === 1) return { ...filter, source: [...caller.sources][0]! };
  throw new SourceError('BAD_USER_INPUT', '', 'filter.source is required: this caller may read the audit events of some sources only.', { field: 'filter.source' });
}
