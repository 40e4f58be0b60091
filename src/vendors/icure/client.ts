import type { Coordination } from '../../coordination/coordination';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { WriteRecorder } from '../../core/writes';
import { path } from '../../http/path';
import { parseJson, statusError, type HttpRequest, type HttpResponse, type VendorHttp } from '../../http/vendor-http';
import type { IcureAuthConfig } from './config';
import { sendWithRelogin } from '../../kit';
import { isPaginatedUsers, isUserDto } from './mapper';
import { JwtSession } from './session';
import type { PaginatedUsers, UserDto } from './types';

/** Per-call context: the request deadline, and the mutation's step recorder for writes. */
export interface CallOptions {
  ctx?: RequestContext;
  rec?: WriteRecorder;
}

/** Which unified input field a vendor "A user with Login|Email|Phone … already exists" concerns. */
export type DuplicateFields = Partial<Record<'Login' | 'Email' | 'Phone', string>>;

/** PUT /rest/v2/user either saved the document (its answer, when usable) or hit a stale rev. */
export type ModifyResult = { kind: 'saved'; user: UserDto | null } | { kind: 'conflict' };

/**
 * iCure REST v2 over one VendorHttp (created once per source). HTTP only: authentication, routes
 * built with path``, and the vendor's statuses turned into results or SourceErrors. Bodies are
 * validated for the shape this connector relies on; vendor messages are read (to tell a duplicate
 * login from a duplicate email) but never passed on.
 */
export class IcureClient {
  private readonly basicHeader: string | null;
  private readonly session: JwtSession | null;

  constructor(
    private readonly http: VendorHttp,
    private readonly sourceId: string,
    auth: IcureAuthConfig,
    now: () => number = Date.now,
    coordination?: Coordination,
  ) {
    // Computed once: the credentials never change for the life of the source.
    this.basicHeader = auth.mode === 'basic' ? 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64') : null;
    this.session = auth.mode === 'jwt' ? new JwtSession(http, sourceId, auth, now, coordination) : null;
  }

  /** GET /rest/v2/user/{id}; null on 404 (soft-deleted users come back with deletionDate). */
  async getUser(id: string, o: CallOptions = {}): Promise<UserDto | null> {
    const res = await this.call({ method: 'GET', path: path`/rest/v2/user/${id}`, route: '/rest/v2/user/{id}', ctx: o.ctx, recorder: o.rec });
    if (res.status === 404) return null;
    return this.userBody(res);
  }

  /** GET /rest/v2/user/byEmail/{email}; null on 404. */
  async getUserByEmail(email: string, o: CallOptions = {}): Promise<UserDto | null> {
    const res = await this.call({ method: 'GET', path: path`/rest/v2/user/byEmail/${email}`, route: '/rest/v2/user/byEmail/{email}', ctx: o.ctx });
    if (res.status === 404) return null;
    return this.userBody(res);
  }

  /**
   * GET /rest/v2/user: one keyset page. `startKey` is the raw login; VendorHttp encodes the query
   * form-style (space → "+", "+" → "%2B"), which Spring WebFlux decodes back exactly. The envelope
   * is checked here, the rows one by one by the reader (one bad row costs only itself).
   */
  async listUsers(q: { startKey: string | null; startDocumentId: string | null; limit: number }, o: CallOptions = {}): Promise<PaginatedUsers<unknown>> {
    const res = await this.call({
      method: 'GET',
      path: '/rest/v2/user',
      route: '/rest/v2/user',
      query: { startKey: q.startKey, startDocumentId: q.startKey === null ? null : q.startDocumentId, limit: q.limit },
      ctx: o.ctx,
    });
    if (res.status !== 200) throw statusError(this.sourceId, res);
    const body = parseJson<unknown>(this.sourceId, res);
    if (!isPaginatedUsers(body)) throw this.badResponse(res);
    return body;
  }

  /** GET /rest/v2/user/current: the cheapest authenticated call (health). */
  async currentUser(o: CallOptions = {}): Promise<void> {
    const res = await this.call({ method: 'GET', path: '/rest/v2/user/current', route: '/rest/v2/user/current', ctx: o.ctx });
    if (res.status !== 200) throw statusError(this.sourceId, res);
  }

  /** POST /rest/v2/user. Returns the created document, or null when the answer is not a usable UserDto. */
  async createUser(dto: UserDto, o: CallOptions & { duplicateFields: DuplicateFields }): Promise<UserDto | null> {
    const res = await this.call({ method: 'POST', path: '/rest/v2/user', route: '/rest/v2/user', body: JSON.stringify(dto), ctx: o.ctx, recorder: o.rec });
    if (res.status === 400) throw this.rejected(res, o.duplicateFields);
    // 409: a document with this id exists already (we generate a fresh UUID, so practically never).
    if (res.status === 409) throw new SourceError('CONFLICT', this.sourceId, undefined, { status: 409 });
    if (res.status < 200 || res.status >= 300) throw statusError(this.sourceId, res);
    return this.optionalUserBody(res);
  }

  /** PUT /rest/v2/user with the full document and its current rev. 409 (stale rev) is a result, not an error. */
  async modifyUser(dto: UserDto, o: CallOptions & { duplicateFields: DuplicateFields }): Promise<ModifyResult> {
    const res = await this.call({ method: 'PUT', path: '/rest/v2/user', route: '/rest/v2/user', body: JSON.stringify(dto), ctx: o.ctx, recorder: o.rec });
    if (res.status === 409) return { kind: 'conflict' };
    if (res.status === 400) throw this.rejected(res, o.duplicateFields);
    if (res.status === 404) throw notFound(this.sourceId);
    if (res.status < 200 || res.status >= 300) throw statusError(this.sourceId, res);
    // Older docs: "No particular return value. It's just a message." — then the caller reads back.
    return { kind: 'saved', user: this.optionalUserBody(res) };
  }

  /**
   * DELETE /rest/v2/user/{id}: a soft delete. The body ({id, rev} now, an id array in older docs)
   * is not needed, so either shape is accepted.
   */
  async deleteUser(id: string, o: CallOptions = {}): Promise<void> {
    const res = await this.call({ method: 'DELETE', path: path`/rest/v2/user/${id}`, route: '/rest/v2/user/{id}', ctx: o.ctx, recorder: o.rec });
    if (res.status === 404) throw notFound(this.sourceId);
    if (res.status < 200 || res.status >= 300) throw statusError(this.sourceId, res);
  }

  /**
   * Every call goes through here: auth header, JSON headers, and in JWT mode the kit's
   * sendWithRelogin — one re-login and one resend after a 401 (a 401 means the server did not
   * apply the call, so even a write may be resent); a second 401 is SOURCE_AUTH_FAILED.
   */
  private call(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    if (!this.session) return this.http.request({ ...req, headers: { ...headers, authorization: this.basicHeader! } });
    return sendWithRelogin(
      this.session.tokens,
      (t) => this.http.request({ ...req, headers: { ...headers, authorization: `Bearer ${t.token}` } }),
      { sourceId: this.sourceId, signal: req.ctx?.signal },
    );
  }

  private userBody(res: HttpResponse): UserDto {
    if (res.status !== 200) throw statusError(this.sourceId, res);
    const body = parseJson<unknown>(this.sourceId, res);
    if (!isUserDto(body)) throw this.badResponse(res);
    return body;
  }

  private optionalUserBody(res: HttpResponse): UserDto | null {
    try {
      const body = JSON.parse(res.text) as unknown;
      return isUserDto(body) ? body : null;
    } catch {
      return null;
    }
  }

  /** A 400: a duplicate login/email/phone names its field; anything else is a generic rejection. */
  private rejected(res: HttpResponse, fields: DuplicateFields): SourceError {
    const kind = duplicateKind(res.text);
    const field = kind ? fields[kind] : undefined;
    if (kind && field) return new SourceError('BAD_USER_INPUT', this.sourceId, `A user with this ${kind.toLowerCase()} already exists.`, { field, status: 400 });
    return new SourceError('BAD_USER_INPUT', this.sourceId, 'iCure rejected the user document.', { status: 400 });
  }

  private badResponse(res: HttpResponse): SourceError {
    return new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
  }
}

export function notFound(sourceId: string): SourceError {
  return new SourceError('NOT_FOUND', sourceId, 'No iCure user has this id.', { field: 'userId', status: 404 });
}

/** "A user with Login x already exists" (DuplicateUserException) → 'Login'. */
function duplicateKind(text: string): 'Login' | 'Email' | 'Phone' | null {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    const m = typeof message === 'string' ? /^A user with (Login|Email|Phone) /.exec(message) : null;
    return m ? (m[1] as 'Login' | 'Email' | 'Phone') : null;
  } catch {
    return null;
  }
}
