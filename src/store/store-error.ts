/**
 * Errors the store raises itself (driver errors pass through unchanged). Matched by `code`, never
 * by message; messages name fields only, never values, so they are safe to log.
 */
export type StoreErrorCode =
  /** A record or argument the store refuses (an unknown enum value, an invalid date, an idempotency key with control characters). */
  | 'INVALID_RECORD'
  /** The database was migrated by a newer build; this one will not run against a schema it does not know. */
  | 'SCHEMA_TOO_NEW'
  /** `complete` of an audit event that is not PENDING (already completed, or never inserted). */
  | 'AUDIT_EVENT_NOT_PENDING'
  /** `complete` of an idempotency key that is not claimed (released, or already done). */
  | 'IDEMPOTENCY_NOT_CLAIMED'
  /** The PGlite folder is held by another process (or already open in this one). */
  | 'STORE_LOCKED'
  /** A claim kept racing with releases of the same key; the caller may retry. */
  | 'IDEMPOTENCY_CONTENDED';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
