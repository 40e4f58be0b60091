import { SourceError } from '../core/errors';

/** A position in the newest-first audit list: the last event of a page. */
export interface AuditPosition {
  at: Date;
  id: string;
}

/**
 * The `auditEvents` cursor: base64url of the JSON `[at ISO-8601, id]` of the last event on the
 * page. It is a keyset position, not an offset, so events written while a client pages cannot
 * shift a page (no event is repeated or skipped), and it holds no filter: the same position is
 * valid for any filter. Opaque to clients; a malformed one is BAD_USER_INPUT on `after`.
 */
export function encodeAuditCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id]), 'utf8').toString('base64url');
}

export function decodeAuditCursor(text: string): AuditPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
    const at = new Date(parsed[0]);
    if (!Number.isNaN(at.getTime())) return { at, id: parsed[1] };
  }
  throw new SourceError('BAD_USER_INPUT', '', 'after is not a valid cursor.', { field: 'after' });
}
