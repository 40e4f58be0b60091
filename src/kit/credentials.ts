import { SourceError } from '../core/errors';
import { awaitWithin } from '../http/cancel';
import type { Coordination } from '../coordination/coordination';

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
  private readonly issue: Issuer<C, H>;

  constructor(
    private readonly sourceId: string,
    issue: Issuer<C, H>,
    /** Clock in epoch ms; injectable so tests can step past an expiry without waiting. */
    private readonly now: () => number = Date.now,
    /**
     * Shared with the other gateway instances (docs/instances.md): one sign-in per source, not per
     * instance. Only for credentials that are plain JSON (a token, a session object).
     */
    private readonly shared?: Coordination,
  ) {
    this.issue = shared && shared.mode === 'redis' ? (previous, hint) => this.issueShared(issue, previous, hint) : issue;
  }

  private get sharedKey(): string {
    return `credential:${this.sourceId}`;
  }

  /**
   * Another instance's credential when it has one, else one sign-in under a short lock while the
   * others wait for its result (up to 5 s, then they sign in themselves: a slow or dead holder
   * must not stop the source). Redis down: as without it.
   */
  private async issueShared(issue: Issuer<C, H>, previous: Issued<C> | null, hint: H | undefined): Promise<Issued<C>> {
    const shared = this.shared!;
    const holder = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const deadline = this.now() + 5_000;
    for (;;) {
      const found = await shared.get(this.sharedKey);
      if (found) {
        const parsed = JSON.parse(found) as Issued<C>;
        const stale = previous !== null && JSON.stringify(previous.value) === JSON.stringify(parsed.value);
        if (!stale && (parsed.renewAt === null || this.now() < parsed.renewAt)) return parsed;
      }
      if (!shared.healthy() || this.now() > deadline) return issue(previous, hint);
      if (await shared.lease(`${this.sharedKey}:signin`, holder, 10_000)) {
        try {
          const issued = await issue(previous, hint);
          const ttl = issued.renewAt === null ? 3_600_000 : issued.renewAt - this.now();
          if (ttl > 0) await shared.set(this.sharedKey, JSON.stringify(issued), ttl);
          return issued;
        } finally {
          await shared.deleteIf(`lease:${this.sharedKey}:signin`, holder);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

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

  /** Drops `stale` if it is still the current credential (a newer one is kept), here and in the shared copy. */
  invalidate(stale: C): void {
    if (this.current?.value === stale) {
      if (this.shared && this.current) void this.shared.deleteIf(this.sharedKey, JSON.stringify(this.current));
      this.current = null;
    }
  }

  private settle(run: Promise<C>): void {
    if (this.pending === run) this.pending = null;
  }
}

/** `renewAt` for a credential valid `lifetimeMs` from `issuedAt`, renewed after `fraction` of it (default 0.9). */
export function renewAfter(issuedAt: number, lifetimeMs: number, fraction = 0.9): number {
  return issuedAt + lifetimeMs * fraction;
}
