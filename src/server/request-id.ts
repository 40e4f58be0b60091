import { randomUUID } from 'node:crypto';

/**
 * What an inbound `x-request-id` may be to be kept (docs/resilience.md): 1–128 characters of
 * `[A-Za-z0-9._-]`. The id is written to logs, audit events and response headers (and later sent
 * to vendors), so anything wider — spaces, quotes, newlines, commas from a repeated header, or a
 * value long enough to bloat every log line — is not echoed at all: it is replaced, not trimmed.
 */
const KEPT_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request id for one request: the inbound `x-request-id` when it is safe to keep, so a
 * caller's or a proxy's id ties its logs to ours; otherwise a fresh random UUID.
 * Node joins a repeated header into one value with ", ", which the rule above refuses.
 */
export function requestIdFrom(inbound: string | string[] | undefined): string {
  return typeof inbound === 'string' && KEPT_REQUEST_ID.test(inbound) ? inbound : randomUUID();
}
