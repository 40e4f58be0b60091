import { SourceError } from '../core/errors';
import type { HttpResponse } from '../http/vendor-http';
import type { CredentialCache } from './credentials';

/**
 * "401 → sign in again → resend once" (docs/kit.md, "re-login"). Sends with the current
 * credential; on a 401 the credential is invalidated, a fresh one obtained and the call sent once
 * more. Safe for writes too: every vendor here checks authentication before anything else, so a
 * call answered 401 was not applied. A second 401 means the fresh credential is refused as well:
 * it is invalidated and the call fails with SOURCE_AUTH_FAILED (an operator must look). No other
 * status is retried here — retries of reads live in VendorHttp.
 */
export async function sendWithRelogin<C, H>(
  credentials: CredentialCache<C, H>,
  send: (credential: C) => Promise<HttpResponse>,
  opts: { sourceId: string; signal?: AbortSignal; hint?: H },
): Promise<HttpResponse> {
  const first = await credentials.get(opts.signal, opts.hint);
  const res = await send(first);
  if (res.status !== 401) return res;
  credentials.invalidate(first);
  const fresh = await credentials.get(opts.signal, opts.hint);
  const again = await send(fresh);
  if (again.status !== 401) return again;
  credentials.invalidate(fresh);
  throw new SourceError('SOURCE_AUTH_FAILED', opts.sourceId, undefined, { status: 401 });
}
