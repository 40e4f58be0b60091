import { SourceError } from '../core/errors';
import { awaitWithin } from '../http/cancel';

/**
 * A credential as issued: the value (a token, a session) and when to stop using it.
 * `renewAt` is epoch ms; null means "until the vendor refuses it" (answers 401).
 */
export interface Issued<C> {
  value: C;
  renewAt: number | null;
}

/**
 * How a credential is obtained. `previous` is the credential being replaced because it is due
 * for renewal (null after `invalidate` or at start): a vendor with refresh tokens refreshes from
 * it, the others ignore it. `hint` is whatever the first caller passed to `get` (e.g. the write's
 * step recorder, so a login made during a mutation shows up in its steps).
 */
export type Issuer<C, H> = (previous: Issued<C> | null, hint: H | undefined) => Promise<Issued<C>>;

/**
 * The single-flight credential cache of one source (docs/kit.md, "credentials"). Created once in
 * createConnector and shared by every request:
 *  - the credential is reused until `renewAt`;
 *  - concurrent callers share one in-flight issue call (one login for a burst of requests);
 *  - a failed issue call is not cached: the next caller tries again;
 *  - the issue call runs under no request's signal (others wait on it too; VendorHttp's
 *    requestTimeoutMs bounds it), while each caller stops waiting at its own deadline or
 *    cancellation with SOURCE_TIMEOUT, requestSent false (nothing of theirs was sent);
 *  - `invalidate(stale)` after a 401 drops the credential only while it is still the current
 *    one, so several calls refused with the same stale token cause a single renewal.
 * The credential lives only in this object: never logged, returned or put in an error.
 */
export class CredentialCache<C, H = void> {
  private current: Issued<C> | null = null;
  private pending: Promise<C> | null = null;

  constructor(
    private readonly sourceId: string,
    private readonly issue: Issuer<C, H>,
    /** Clock in epoch ms; injectable so tests can step past an expiry without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  /** The current credential, or the one being issued, awaited under `signal`. */
  get(signal?: AbortSignal, hint?: H): Promise<C> {
    const c = this.current;
    if (c && (c.renewAt === null || this.now() < c.renewAt)) return Promise.resolve(c.value);
    if (!this.pending) {
      const run = this.issue(c, hint).then((issued) => {
        this.current = issued;
        return issued.value;
      });
      this.pending = run;
      run.then(
        () => this.settle(run),
        () => this.settle(run),
      );
    }
    return awaitWithin(this.pending, signal, () => new SourceError('SOURCE_TIMEOUT', this.sourceId, undefined, { requestSent: false }));
  }

  /** Drops `stale` if it is still the current credential (a newer one is kept). */
  invalidate(stale: C): void {
    if (this.current?.value === stale) this.current = null;
  }

  private settle(run: Promise<C>): void {
    if (this.pending === run) this.pending = null;
  }
}

/** `renewAt` for a credential valid `lifetimeMs` from `issuedAt`, renewed after `fraction` of it (default 0.9). */
export function renewAfter(issuedAt: number, lifetimeMs: number, fraction = 0.9): number {
  return issuedAt + lifetimeMs * fraction;
}
