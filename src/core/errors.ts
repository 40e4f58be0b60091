/**
 * Stable error codes (docs/architecture.md §8, contract). Every client-visible error carries one of these in
 * `extensions.code`; anything else is masked to INTERNAL_SERVER_ERROR with a request id.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNSUPPORTED_BY_VENDOR: 'UNSUPPORTED_BY_VENDOR',
  CONFLICT: 'CONFLICT',
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  SOURCE_TIMEOUT: 'SOURCE_TIMEOUT',
  SOURCE_RATE_LIMITED: 'SOURCE_RATE_LIMITED',
  SOURCE_BAD_RESPONSE: 'SOURCE_BAD_RESPONSE',
  SOURCE_AUTH_FAILED: 'SOURCE_AUTH_FAILED',
  OUTCOME_UNKNOWN: 'OUTCOME_UNKNOWN',
  /** No or bad credentials (HTTP 401; docs/callers-and-limits.md). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller lacks the scope (docs/callers-and-limits.md). */
  FORBIDDEN: 'FORBIDDEN',
  /** Over a query limit (HTTP 400; docs/callers-and-limits.md); extensions name the limit and its value. */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The audit store could not take the PENDING row, so the write was not sent (docs/store-and-audit.md: fail closed). */
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** The gateway is draining (SIGTERM): HTTP 503, retry on another instance (docs/resilience.md). */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Generic client-facing messages. They never include a vendor host, URL, credential or body. */
const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'The input is not valid.',
  NOT_FOUND: 'Not found.',
  UNSUPPORTED_BY_VENDOR: 'The vendor does not support this operation.',
  CONFLICT: 'The record was changed by someone else.',
  SOURCE_UNAVAILABLE: 'The source is unavailable.',
  SOURCE_TIMEOUT: 'The source did not answer in time.',
  SOURCE_RATE_LIMITED: 'The source is rate limiting requests.',
  SOURCE_BAD_RESPONSE: 'The source sent a response that could not be understood.',
  SOURCE_AUTH_FAILED: 'The gateway could not authenticate to the source.',
  OUTCOME_UNKNOWN: 'The source did not confirm the outcome of the write.',
  UNAUTHENTICATED: 'Authentication is required.',
  FORBIDDEN: 'The caller is not allowed to do this.',
  QUERY_TOO_COMPLEX: 'The query is over a limit.',
  AUDIT_UNAVAILABLE: 'The audit trail is unavailable; nothing was changed.',
  SHUTTING_DOWN: 'The gateway is shutting down.',
  INTERNAL_SERVER_ERROR: 'Internal server error.',
};

/**
 * An error raised by a connector for one source. `message` is safe to show a client: connectors
 * must build it from constants and field names only, never from a vendor response body.
 */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly code: ErrorCode,
    readonly sourceId: string,
    message?: string,
    readonly details: {
      /** The unified input field the error concerns (validation, vendor-side rejection). */
      field?: string;
      /** HTTP status the vendor answered, when there was one (kept for logs and steps, never shown raw). */
      status?: number;
      /** Seconds the vendor asked us to wait (429 Retry-After). */
      retryAfterSeconds?: number;
      /** True when the request may have reached the vendor (a write's outcome is then unknown). */
      requestSent?: boolean;
      /** Set when the source's circuit breaker answered without calling the vendor. */
      breaker?: 'open';
      /** Why a response was refused, when it is not the status (a body over maxResponseBytes). */
      reason?: 'response too large';
    } = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code]);
  }
}

export function defaultMessage(code: ErrorCode): string {
  return DEFAULT_MESSAGES[code];
}

export function isSourceError(e: unknown): e is SourceError {
  return e instanceof SourceError;
}
