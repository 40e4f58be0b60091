import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { WriteRecorder } from '../../core/writes';
import { path } from '../../http/path';
import { parseJson, statusError, type HttpResponse, type VendorHttp } from '../../http/vendor-http';
import type { OpenDentalAuth } from './config';
import { isArrayOf, isClinic, isUserGroup, isUserod, isUserodCreated } from './shapes';
import { PAGE_SIZE, type Clinic, type Userod, type UserodCreated, type UserodPost, type UserodPut, type UserGroup } from './types';

export interface Call {
  ctx?: RequestContext;
  /** Set by writes: every call is then recorded as a mutation step. */
  recorder?: WriteRecorder;
}

/**
 * Which unified field a write rejection concerns, found by keywords in Open Dental's explanation
 * (a JSON string). The explanation is only matched, never passed on: messages are built here from
 * the field name. The first keyword found wins.
 */
export interface FieldHints {
  keywords: Array<[keyword: string, field: string]>;
  /** The field of a 404 whose explanation names none of the keywords. */
  notFound: string;
}

const ROUTE_USERODS = '/userods';
const ROUTE_USEROD = '/userods/{UserNum}';

/**
 * Open Dental over HTTP: one VendorHttp per source (its limiter spaces requests per customer key),
 * `Authorization: ODFHIR {DeveloperKey}/{CustomerKey}` and `Content-Type: application/json` on every
 * request, GET included (the API rejects requests without it).
 */
export class OpenDentalClient {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly http: VendorHttp,
    auth: OpenDentalAuth,
  ) {
    this.headers = { authorization: `ODFHIR ${auth.developerKey}/${auth.customerKey}`, 'content-type': 'application/json' };
  }

  get sourceId(): string {
    return this.http.sourceId;
  }

  /**
   * One page of GET /userods (Limit 100). includeHidden=true is sent only when wanted; CEMT users
   * are never asked for. The body must be a JSON array; its records are checked one by one by the
   * reader (pages.ts), so one malformed record costs only itself.
   */
  async listUserods(args: { includeHidden: boolean; offset: number }, call: Call = {}): Promise<unknown[]> {
    const query = { includeHidden: args.includeHidden ? 'true' : undefined, Limit: PAGE_SIZE, Offset: args.offset || undefined };
    const res = await this.send('GET', path`/userods`, ROUTE_USERODS, call, { query });
    return this.read(res, (v): v is unknown[] => Array.isArray(v));
  }

  /** Every non-CEMT user group, all pages. */
  listUserGroups(call: Call = {}): Promise<UserGroup[]> {
    return this.walk(path`/usergroups`, '/usergroups', call, (v): v is UserGroup[] => isArrayOf(v, isUserGroup));
  }

  /** Every non-hidden clinic, all pages (an empty list means the office does not use clinics). */
  listClinics(call: Call = {}): Promise<Clinic[]> {
    return this.walk(path`/clinics`, '/clinics', call, (v): v is Clinic[] => isArrayOf(v, isClinic));
  }

  /** POST /userods → 201 in the POST shape; the echoed Password is dropped here and goes no further. */
  async createUserod(body: UserodPost, call: Call, hints: FieldHints): Promise<UserodCreated> {
    const res = await this.send('POST', path`/userods`, ROUTE_USERODS, call, { body });
    if (res.status !== 201 && res.status !== 200) throw this.writeError(res, hints);
    const created = this.read(res, isUserodCreated);
    const { Password: _password, ...safe } = created as UserodCreated & { Password?: unknown };
    return safe;
  }

  /** PUT /userods/{UserNum} (partial) → the full GET-shaped record. */
  async updateUserod(userNum: string, body: UserodPut, call: Call, hints: FieldHints): Promise<Userod> {
    const res = await this.send('PUT', path`/userods/${userNum}`, ROUTE_USEROD, call, { body });
    if (res.status !== 200) throw this.writeError(res, hints);
    return this.read(res, isUserod);
  }

  /** A cheap authenticated call for health checks: one user group. */
  async ping(ctx: RequestContext): Promise<void> {
    const res = await this.send('GET', path`/usergroups`, '/usergroups', { ctx }, { query: { Limit: 1 } });
    this.read(res, Array.isArray);
  }

  private async walk<T>(p: string, route: string, call: Call, guard: (v: unknown) => v is T[]): Promise<T[]> {
    const all: T[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const res = await this.send('GET', p, route, call, { query: { Limit: PAGE_SIZE, Offset: offset || undefined } });
      const rows = this.read(res, guard);
      all.push(...rows);
      // Open Dental gives no total or next link: exactly a full page means there may be more.
      if (rows.length < PAGE_SIZE) return all;
    }
  }

  private send(
    method: 'GET' | 'POST' | 'PUT',
    p: string,
    route: string,
    call: Call,
    extra: { query?: Record<string, string | number | undefined>; body?: unknown },
  ): Promise<HttpResponse> {
    return this.http.request({
      method,
      path: p,
      route,
      query: extra.query,
      headers: this.headers,
      body: extra.body === undefined ? undefined : JSON.stringify(extra.body),
      ctx: call.ctx,
      recorder: call.recorder,
    });
  }

  /** A 2xx body of the expected shape, or the SourceError for the status / shape. */
  private read<T>(res: HttpResponse, guard: (v: unknown) => v is T): T {
    if (res.status < 200 || res.status >= 300) throw this.readError(res);
    const body = parseJson(this.sourceId, res);
    if (!guard(body)) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
    return body;
  }

  /**
   * Open Dental answers 400 for an office it cannot reach (eConnector not running, network, version
   * too low) as well as for bad requests; on a read it means the source is unavailable.
   */
  private readError(res: HttpResponse): SourceError {
    if (res.status === 400) return new SourceError('SOURCE_UNAVAILABLE', this.sourceId, undefined, { status: 400 });
    return statusError(this.sourceId, res);
  }

  /** 400 → BAD_USER_INPUT and 404 → NOT_FOUND, with the field the explanation concerns; others generic. */
  private writeError(res: HttpResponse, hints: FieldHints): SourceError {
    if (res.status !== 400 && res.status !== 404) return statusError(this.sourceId, res);
    const named = fieldOf(res.text, hints);
    if (res.status === 404) {
      const field = named ?? hints.notFound;
      return new SourceError('NOT_FOUND', this.sourceId, `${field} was not found in Open Dental.`, { status: 404, field });
    }
    const field = named;
    return new SourceError('BAD_USER_INPUT', this.sourceId, field ? `Open Dental rejected ${field}.` : 'Open Dental rejected the request.', { status: 400, field: field ?? undefined });
  }
}

function fieldOf(text: string, hints: FieldHints): string | null {
  let explanation: unknown;
  try {
    explanation = JSON.parse(text);
  } catch {
    explanation = text;
  }
  if (typeof explanation === 'string') {
    for (const [keyword, field] of hints.keywords) if (explanation.includes(keyword)) return field;
  }
  return null;
}
