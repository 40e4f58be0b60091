import { SourceError, type ErrorCode } from '../core/errors';

/**
 * What a failed vendor call means, from `err.code` (never the message, which may carry a URL).
 * `sent` is whether the request left the gateway: a write that failed after it was sent may have
 * happened (OUTCOME_UNKNOWN upstream).
 */
export function transportError(sourceId: string, err: unknown, sent: boolean): SourceError {
  if (err instanceof SourceError) return err;
  const make = (c: ErrorCode, requestSent: boolean, extra: Pick<SourceError['details'], 'breaker' | 'reason'> = {}) => new SourceError(c, sourceId, undefined, { requestSent, ...extra });
  switch (errCode(err)) {
    case 'STAFFGRAPH_BREAKER_OPEN':
      return make('SOURCE_UNAVAILABLE', false, { breaker: 'open' });
    case 'STAFFGRAPH_RESPONSE_TOO_LARGE':
      return make('SOURCE_BAD_RESPONSE', true, { reason: 'response too large' });
    case 'UND_ERR_CONNECT_TIMEOUT':
      return make('SOURCE_TIMEOUT', false);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
      return make('SOURCE_UNAVAILABLE', false);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ABORT_ERR':
    case 'UND_ERR_ABORTED':
    case 'TimeoutError':
    case 'AbortError':
      return make('SOURCE_TIMEOUT', sent);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_INFO':
      return make('SOURCE_BAD_RESPONSE', sent);
    default:
      // UND_ERR_SOCKET, ECONNRESET, EPIPE, UND_ERR_CLOSED …: the connection failed mid-way.
      return make('SOURCE_UNAVAILABLE', sent);
  }
}

/**
 * The `status` label of a call that got no usable response: a small fixed set, so the label
 * stays bounded. "cancelled" is the caller giving up (aborted from our side), not a vendor failure.
 */
export function transportStatus(err: unknown, cancelledByCaller: boolean): string {
  if (cancelledByCaller) return 'cancelled';
  switch (errCode(err)) {
    case 'STAFFGRAPH_RESPONSE_TOO_LARGE':
      return 'too_large';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TimeoutError':
    case 'ABORT_ERR':
    case 'AbortError':
    case 'UND_ERR_ABORTED':
      return 'timeout'; // not cancelled by the caller, so it was the per-call timeout
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
      return 'unreachable';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_INFO':
      return 'bad_response';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    default:
      return 'error';
  }
}

/** A read may be sent again after these: the connection dropped, or no headers came in time. */
export function isRetryableTransport(err: unknown): boolean {
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT'].includes(errCode(err));
}

export function errCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'UNKNOWN';
}
