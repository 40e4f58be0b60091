import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { WriteRecorder } from '../../core/writes';
import { path } from '../../http/path';
import { statusError, parseJson, type HttpRequest, type HttpResponse, type VendorHttp } from '../../http/vendor-http';
import type { CoremrAuth } from './config';
import { cwsHeader, cwsSign } from './cws';
import { normalizeFacilities, normalizeFacility, normalizeUser, normalizeUserTypes } from './mapper';
import type { CoremrFacilityAccess, CoremrUser, CoremrUserCreate, CoremrUserType, CoremrUserWrite, UserListQuery } from './records';

/** Route templates, for logs and mutation steps (never the real path). */
export const ROUTES = {
  users: '/ws/users/',
  user: '/ws/users/{username}',
  types: '/ws/users/{username}/types/',
  type: '/ws/users/{username}/types/{usertype_name}',
  facilities: '/ws/users/{username}/facilities/',
  facility: '/ws/users/{username}/facilities/{facility_code}',
} as const;

export interface CallOptions {
  ctx: RequestContext;
  /** Set by the writer: the call becomes a mutation step. */
  rec?: WriteRecorder;
}

/** How one call reads a 400 and a 404: the unified field blamed and a constant message. */
interface Rejections {
  badInput?: { field?: string; message: string };
  notFound?: { field?: string; message: string };
}

/**
 * CorEMR HTTP access for one source: one VendorHttp, CWS signing, routes built with path``, and
 * vendor statuses mapped to SourceError (400 → BAD_USER_INPUT, 404 → null or NOT_FOUND, the rest
 * through statusError). Reads validate the JSON shape (else SOURCE_BAD_RESPONSE); a write whose
 * 2xx body is unusable returns null instead, so the writer reads the record back rather than
 * reporting a write that happened as failed.
 */
export class CoremrClient {
  /** RSA signatures computed since creation: one at start-up for GET/DELETE, one per POST/PUT body. */
  signatures = 0;
  /**
   * GET and DELETE sign the empty string, and RSA PKCS#1 v1.5 is deterministic, so their header is
   * computed once here and reused for every call (an RSA 2048 signature costs about a millisecond of CPU).
   */
  private readonly emptyBodyAuthorization: string;

  constructor(
    private readonly http: VendorHttp,
    private readonly auth: CoremrAuth,
    private readonly sourceId: string,
  ) {
    this.emptyBodyAuthorization = this.authorization('');
  }

  // --- users ---------------------------------------------------------------------------------

  /**
   * The raw records of GET /ws/users/: the body must be a JSON array (else SOURCE_BAD_RESPONSE),
   * but each record is checked by the reader, one by one, so one malformed record costs only itself.
   */
  async listUsers(query: UserListQuery, o: CallOptions): Promise<unknown[]> {
    const res = await this.call('GET', path`/ws/users/`, ROUTES.users, o, { query: { ...query } });
    const body = this.json(this.expect(res, {}));
    return this.shape(Array.isArray(body) ? (body as unknown[]) : null, res);
  }

  /** null when CorEMR has no such user. */
  async getUser(username: string, o: CallOptions): Promise<CoremrUser | null> {
    const res = await this.call('GET', path`/ws/users/${username}`, ROUTES.user, o);
    if (res.status === 404) return null;
    return this.shape(normalizeUser(this.json(this.expect(res, {}))), res);
  }

  async createUser(body: CoremrUserCreate, o: CallOptions): Promise<CoremrUser | null> {
    const res = await this.call('POST', path`/ws/users/`, ROUTES.users, o, { body });
    return normalizeUser(
      jsonOrNull(this.expect(res, {
        badInput: { message: 'CorEMR rejected the user: check the required fields, the lengths and the password restrictions of the install.' },
        notFound: { field: 'input.userTypeIds', message: 'The first user type does not exist in CorEMR.' },
      })),
    );
  }

  async replaceUser(username: string, body: CoremrUserWrite, o: CallOptions): Promise<CoremrUser | null> {
    const res = await this.call('PUT', path`/ws/users/${username}`, ROUTES.user, o, { body });
    return normalizeUser(
      jsonOrNull(this.expect(res, {
        badInput: { message: 'CorEMR rejected the user record.' },
        notFound: { field: 'userId', message: 'The user does not exist.' },
      })),
    );
  }

  async deleteUser(username: string, o: CallOptions): Promise<void> {
    const res = await this.call('DELETE', path`/ws/users/${username}`, ROUTES.user, o);
    this.expect(res, { notFound: { field: 'userId', message: 'The user does not exist.' } });
  }

  // --- usertypes -----------------------------------------------------------------------------

  /** null when CorEMR has no such user. */
  async userTypes(username: string, o: CallOptions): Promise<CoremrUserType[] | null> {
    const res = await this.call('GET', path`/ws/users/${username}/types/`, ROUTES.types, o);
    if (res.status === 404) return null;
    return this.shape(normalizeUserTypes(this.json(this.expect(res, {}))), res);
  }

  /** `field` is the input field a 400/404 blames (userTypeId, or input.userTypeIds during createUser). */
  async addUserType(username: string, name: string, field: string, o: CallOptions): Promise<void> {
    const res = await this.call('POST', path`/ws/users/${username}/types/`, ROUTES.types, o, { body: { name } });
    this.expect(res, {
      badInput: { field, message: 'CorEMR refused the user type (it may already be assigned).' },
      notFound: { field, message: 'The user or the user type does not exist in CorEMR.' },
    });
  }

  async removeUserType(username: string, name: string, o: CallOptions): Promise<void> {
    const res = await this.call('DELETE', path`/ws/users/${username}/types/${name}`, ROUTES.type, o);
    this.expect(res, {
      badInput: { field: 'userTypeId', message: 'CorEMR refused to remove the user type (a user keeps at least one).' },
      notFound: { field: 'userTypeId', message: 'The user does not exist or does not have this user type.' },
    });
  }

  // --- facility access -----------------------------------------------------------------------

  /** null when CorEMR has no such user. */
  async facilities(username: string, o: CallOptions): Promise<CoremrFacilityAccess[] | null> {
    const res = await this.call('GET', path`/ws/users/${username}/facilities/`, ROUTES.facilities, o);
    if (res.status === 404) return null;
    return this.shape(normalizeFacilities(this.json(this.expect(res, {}))), res);
  }

  /** `field` is the input field a 400/404 blames (facilityId, or input.facilityIds during createUser). */
  async addFacility(username: string, code: string, primary: boolean, field: string, o: CallOptions): Promise<CoremrFacilityAccess | null> {
    const res = await this.call('POST', path`/ws/users/${username}/facilities/`, ROUTES.facilities, o, { body: { code, primary } });
    return normalizeFacility(
      jsonOrNull(this.expect(res, {
        badInput: { field, message: 'CorEMR refused the facility access (it may already be granted).' },
        notFound: { field, message: 'The user or the facility does not exist in CorEMR.' },
      })),
    );
  }

  async updateFacility(username: string, code: string, primary: boolean, o: CallOptions): Promise<CoremrFacilityAccess | null> {
    const res = await this.call('PUT', path`/ws/users/${username}/facilities/${code}`, ROUTES.facility, o, { body: { primary } });
    return normalizeFacility(
      jsonOrNull(this.expect(res, {
        badInput: { field: 'facilityId', message: 'CorEMR refused the change (a user keeps exactly one primary facility: make another one primary instead).' },
        notFound: { field: 'facilityId', message: 'The user does not exist or has no access to this facility.' },
      })),
    );
  }

  async removeFacility(username: string, code: string, o: CallOptions): Promise<void> {
    const res = await this.call('DELETE', path`/ws/users/${username}/facilities/${code}`, ROUTES.facility, o);
    this.expect(res, {
      badInput: { field: 'facilityId', message: 'CorEMR refused to remove the facility access (a user keeps at least one facility, and the primary one until another is made primary).' },
      notFound: { field: 'facilityId', message: 'The user does not exist or has no access to this facility.' },
    });
  }

  // --- plumbing ------------------------------------------------------------------------------

  private authorization(content: string): string {
    this.signatures++;
    const { algorithm, keyUser, privateKey } = this.auth;
    return cwsHeader(algorithm, keyUser, cwsSign(content, privateKey, algorithm));
  }

  private call(
    method: HttpRequest['method'],
    routePath: string,
    route: string,
    o: CallOptions,
    extra: { body?: unknown; query?: HttpRequest['query'] } = {},
  ): Promise<HttpResponse> {
    if (extra.body === undefined) {
      return this.http.request({ method, path: routePath, route, query: extra.query, headers: { authorization: this.emptyBodyAuthorization, accept: 'application/json' }, ctx: o.ctx, recorder: o.rec });
    }
    // POST/PUT sign the exact bytes sent.
    const body = JSON.stringify(extra.body);
    const headers = { authorization: this.authorization(body), accept: 'application/json', 'content-type': 'application/json' };
    return this.http.request({ method, path: routePath, route, query: extra.query, headers, body, ctx: o.ctx, recorder: o.rec });
  }

  /** The response when it is a 2xx, else the mapped SourceError. */
  private expect(res: HttpResponse, on: Rejections): HttpResponse {
    if (res.status >= 200 && res.status < 300) return res;
    const rejection = res.status === 400 ? on.badInput : res.status === 404 ? on.notFound : undefined;
    if (rejection) {
      const code = res.status === 400 ? 'BAD_USER_INPUT' : 'NOT_FOUND';
      throw new SourceError(code, this.sourceId, rejection.message, { field: rejection.field, status: res.status });
    }
    if (res.status === 400) throw new SourceError('BAD_USER_INPUT', this.sourceId, undefined, { status: 400 });
    throw statusError(this.sourceId, res);
  }

  /** A read's body: JSON or SOURCE_BAD_RESPONSE. */
  private json(res: HttpResponse): unknown {
    return parseJson(this.sourceId, res);
  }

  private shape<T>(value: T | null, res: HttpResponse): T {
    if (value === null) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
    return value;
  }
}

/** A write's body: JSON, or null when empty or unparseable (the write happened; the caller reads back). */
function jsonOrNull(res: HttpResponse): unknown {
  try {
    return res.text === '' ? null : (JSON.parse(res.text) as unknown);
  } catch {
    return null;
  }
}
