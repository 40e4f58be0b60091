import type { RequestContext } from '../core/context';

/**
 * Per-request state that a connector's reader and writer of the same request both use (docs/kit.md,
 * "per-request store"), e.g. Open Dental's memoised list pages, which a read-modify-write must
 * walk with its step recorder without fetching a page the reader already has. Keyed by the
 * request's RequestContext in a WeakMap: created on first use, gone with the request — nothing
 * outlives it, and no reader has to be downcast to reach it.
 */
export function perRequest<T>(create: (ctx: RequestContext) => T): (ctx: RequestContext) => T {
  const byRequest = new WeakMap<RequestContext, T>();
  return (ctx) => {
    let value = byRequest.get(ctx);
    if (value === undefined) {
      value = create(ctx);
      byRequest.set(ctx, value);
    }
    return value;
  };
}
