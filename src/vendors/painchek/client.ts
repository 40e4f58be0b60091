import type { Coordination } from '../../coordination/coordination';
import { z } from 'zod';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { WriteRecorder } from '../../core/writes';
import { path } from '../../http/path';
import { parseJson, statusError, type HttpRequest, type HttpResponse, type VendorHttp } from '../../http/vendor-http';
import { CredentialCache, renewAfter, sendWithRelogin, type Issued } from '../../kit';
import { inputFieldOf } from './mapper';
import {
  pcAccessSchema,
  pcErrorSchema,
  pcPageSchema,
  pcSiteSchema,
  pcTokenSchema,
  pcUserSchema,
  type PcAccess,
  type PcSite,
  type PcUser,
} from './payloads';

/** A user page's records, each checked by the reader on its own (one bad record costs only itself). */
const anyRecord = z.unknown();

/** Route templates, for logs and mutation steps. */
export const ROUTES = {
  auth: '/api/integration/auth/',
  users: '/api/account/users/',
  user: '/api/account/users/{uuid}/',
  sites: '/api/sites/',
  siteUsers: '/api/sites/{site}/users/',
  siteUser: '/api/sites/{site}/users/{user}/',
} as const;

/** The page size the connector asks for: the vendor maximum (docs/architecture.md §9: default 10, max 20). */
export const PAGE_SIZE = 20;

export interface Page<T> {
  page: number;
  count: number;
  next: string | null;
  results: T[];
}

type Query = Record<string, string | number | undefined>;

/**
 * HTTP access to one PainChek source: the client-credentials token (kit CredentialCache, once per
 * connector: reused until 90% of its expires_in has passed, one token request in flight at a time)
 * and one method per vendor route. Created once per connector; every call takes the request context.
 */
export class PainChekClient {
  private readonly tokens: CredentialCache<string>;
  private readonly base: URL;

  constructor(
    readonly sourceId: string,
    private readonly http: VendorHttp,
    baseUrl: string,
    private readonly credentials: { clientId: string; clientSecret: string },
    now: () => number = Date.now,
    coordination?: Coordination,
  ) {
    // The token is shared by every instance when they share Redis (one sign-in, not one each).
    this.tokens = new CredentialCache(sourceId, () => this.issueToken(now), now, coordination);
    this.base = new URL(baseUrl);
  }

  /**
   * One page of GET /api/account/users/. `next` is the previous page's link, followed when safe.
   * The envelope is checked here; the records are returned raw for the reader to map one by one.
   */
  listUsers(ctx: RequestContext, page: number, filter: { externalId?: string }, next: string | null = null): Promise<Page<unknown>> {
    const query = { page, page_size: PAGE_SIZE, external_id: filter.externalId };
    return this.page(ctx, ROUTES.users, ROUTES.users, query, next, anyRecord);
  }

  /** GET /api/account/users/{uuid}/ — null on 404. */
  async getUser(ctx: RequestContext, uuid: string): Promise<PcUser | null> {
    const res = await this.send({ ctx, method: 'GET', path: path`/api/account/users/${uuid}/`, route: ROUTES.user });
    if (res.status === 404) return null;
    return this.expect(res, 200, pcUserSchema);
  }

  async createUser(ctx: RequestContext, body: Record<string, unknown>, recorder: WriteRecorder): Promise<PcUser> {
    const res = await this.send({ ctx, recorder, method: 'POST', path: ROUTES.users, route: ROUTES.users, json: body });
    if (res.status !== 201 && res.status !== 200) throw this.writeError(res, null);
    return this.expect(res, res.status, pcUserSchema);
  }

  async updateUser(ctx: RequestContext, uuid: string, body: Record<string, unknown>, recorder: WriteRecorder): Promise<PcUser> {
    const res = await this.send({ ctx, recorder, method: 'PATCH', path: path`/api/account/users/${uuid}/`, route: ROUTES.user, json: body });
    if (res.status !== 200) throw this.writeError(res, 'userId');
    return this.expect(res, 200, pcUserSchema);
  }

  listSites(ctx: RequestContext, page: number, pageSize = PAGE_SIZE): Promise<Page<PcSite>> {
    return this.page(ctx, ROUTES.sites, ROUTES.sites, { page, page_size: pageSize }, null, pcSiteSchema);
  }

  /** One page of a site's access records ([inferred] GET /api/sites/{site}/users/). */
  listSiteAccess(ctx: RequestContext, site: string, page: number): Promise<Page<PcAccess>> {
    return this.page(ctx, path`/api/sites/${site}/users/`, ROUTES.siteUsers, { page, page_size: PAGE_SIZE }, null, pcAccessSchema);
  }

  /** PATCH with no body: grants access; idempotent (200 when it already exists). */
  async grantSiteAccess(ctx: RequestContext, site: string, user: string, recorder: WriteRecorder): Promise<PcAccess> {
    const res = await this.send({ ctx, recorder, method: 'PATCH', path: path`/api/sites/${site}/users/${user}/`, route: ROUTES.siteUser });
    if (res.status !== 200 && res.status !== 201) throw this.writeError(res, null);
    return this.expect(res, res.status, pcAccessSchema);
  }

  /** DELETE: revokes access; the vendor answers 200 with the record and `active: false`. */
  async revokeSiteAccess(ctx: RequestContext, site: string, user: string, recorder: WriteRecorder): Promise<PcAccess> {
    const res = await this.send({ ctx, recorder, method: 'DELETE', path: path`/api/sites/${site}/users/${user}/`, route: ROUTES.siteUser });
    if (res.status !== 200) throw this.writeError(res, 'facilityId');
    return this.expect(res, 200, pcAccessSchema);
  }

  /**
   * A DRF page. The query of the vendor's `next` link is used only when that link points at the
   * configured origin and path and asks for exactly the page, size and filter we expect; anything
   * else (another host, another route, a skipped page) is ignored and the page number is used, so
   * a vendor response can never redirect the gateway. A page past the end (404 "Invalid page.",
   * e.g. when users were removed meanwhile) is an empty last page, except for page 1.
   */
  private async page<S extends z.ZodType>(ctx: RequestContext, routePath: string, route: string, query: Query, next: string | null, item: S): Promise<Page<z.infer<S>>> {
    const page = Number(query['page']);
    const res = await this.send({ ctx, method: 'GET', path: routePath, route, query: this.followable(next, routePath, query) ?? query });
    if (res.status === 404 && page > 1) return { page, count: 0, next: null, results: [] };
    const body = this.expect(res, 200, pcPageSchema(item));
    return { page, count: body.count, next: body.next, results: body.results };
  }

  private followable(next: string | null, routePath: string, expected: Query): URLSearchParams | null {
    if (!next) return null;
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      return null;
    }
    if (url.origin !== this.base.origin || url.pathname !== this.base.pathname.replace(/\/+$/, '') + routePath) return null;
    for (const [key, value] of Object.entries(expected)) {
      if (url.searchParams.get(key) !== (value === undefined ? null : String(value))) return null;
    }
    return url.searchParams;
  }

  /**
   * An authenticated call, through the kit's sendWithRelogin: on 401 the token is dropped and the
   * call sent once more with a fresh one — safe for writes too, because authentication runs before
   * the view, so a 401 call was not applied. A second 401 is SOURCE_AUTH_FAILED.
   */
  private send(req: Omit<HttpRequest, 'headers' | 'body'> & { json?: unknown }): Promise<HttpResponse> {
    const { json, ...rest } = req;
    return sendWithRelogin(
      this.tokens,
      (token) => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
        if (json !== undefined) headers['content-type'] = 'application/json';
        return this.http.request({ ...rest, headers, body: json === undefined ? undefined : JSON.stringify(json) });
      },
      { sourceId: this.sourceId, signal: req.ctx?.signal },
    );
  }

  /**
   * POST /api/integration/auth/ (form-urlencoded client credentials). Not recorded as a write step;
   * it carries no request context (other requests may be waiting on it). Renewed after 90% of
   * expires_in, measured from the request, so clock skew errs towards renewing early.
   */
  private async issueToken(now: () => number): Promise<Issued<string>> {
    const requestedAt = now();
    const form = new URLSearchParams({ client_id: this.credentials.clientId, client_secret: this.credentials.clientSecret });
    const res = await this.http.request({
      method: 'POST',
      path: ROUTES.auth,
      route: ROUTES.auth,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', accept: 'application/json' },
      body: form.toString(),
    });
    // Rejected credentials: DRF answers 400 (missing) or 401/403 (wrong).
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new SourceError('SOURCE_AUTH_FAILED', this.sourceId, undefined, { status: res.status });
    }
    const body = this.expect(res, 200, pcTokenSchema);
    return { value: body.access_token, renewAt: renewAfter(requestedAt, body.expires_in * 1000) };
  }

  /** The body of an expected status, shape-checked; any other status through statusError. */
  private expect<S extends z.ZodType>(res: HttpResponse, status: number, schema: S): z.infer<S> {
    if (res.status !== status) throw statusError(this.sourceId, res);
    const parsed = schema.safeParse(parseJson(this.sourceId, res));
    if (!parsed.success) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
    return parsed.data;
  }

  /**
   * A rejected write: 400 → BAD_USER_INPUT naming the unified field (from the envelope's
   * `errors[].field`, never its text), 404 → NOT_FOUND, the rest through statusError.
   */
  private writeError(res: HttpResponse, notFoundField: string | null): SourceError {
    if (res.status === 400) {
      const parsed = pcErrorSchema.safeParse(safeJson(res.text));
      const fields = parsed.success ? (parsed.data.errors ?? []).map((e) => inputFieldOf(e.field)) : [];
      const field = fields.find((f): f is string => f !== null);
      const message = field ? `${field} was rejected by the vendor.` : 'The vendor rejected the input.';
      return new SourceError('BAD_USER_INPUT', this.sourceId, message, { status: 400, ...(field ? { field } : {}) });
    }
    if (res.status === 404) return new SourceError('NOT_FOUND', this.sourceId, undefined, { status: 404, ...(notFoundField ? { field: notFoundField } : {}) });
    return statusError(this.sourceId, res);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
