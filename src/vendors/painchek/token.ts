/**
 * The Bearer token of one source (created once per connector, never per request):
 *  - reused until `renewAfterFraction` of its `expires_in` has passed (default 0.9, i.e. a
 *    36000 s token is renewed after 32400 s), so long-running gateways renew before expiry;
 *  - concurrent callers share one in-flight token request;
 *  - `invalidate(token)` after a 401 drops that token only if it is still the current one, so
 *    several calls failing with the same stale token cause a single renewal.
 */
export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

export class TokenCache {
  private current: { token: string; renewAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
    private readonly renewAfterFraction = 0.9,
  ) {}

  get(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current.token);
    if (!this.inFlight) {
      // Measured from the request, not the answer, so clock skew errs towards renewing early.
      const requestedAt = this.now();
      this.inFlight = this.issue()
        .then(({ token, expiresInSeconds }) => {
          this.current = { token, renewAt: requestedAt + expiresInSeconds * 1000 * this.renewAfterFraction };
          return token;
        })
        .finally(() => {
          this.inFlight = null;
        });
    }
    return this.inFlight;
  }

  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }
}
