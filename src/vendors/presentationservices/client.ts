import type { Coordination } from '../../coordination/coordination';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { WriteRecorder } from '../../core/writes';
import { parseJson, statusError, type HttpResponse, type VendorHttp } from '../../http/vendor-http';
import { CredentialCache, sendWithRelogin, type Issued } from '../../kit';
import type { PsAuth } from './config';
import { readEnvelope, readLogin, unifiedField, type FieldMap } from './mapper';

/** The logged-in account: what every later call carries. */
export interface Session {
  token: string;
  /** The accountFact's userId (not the login username): sent as `userId` on every call. */
  userId: string;
  organizationId: string | null;
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Built with path`…` (src/http/path.ts). */
  path: string;
  /** Route template for logs and steps, e.g. "/users/{userId}" — no ids, no query. */
  route: string;
  /** Query parameters on GET/DELETE, form fields on POST; undefined values are left out. */
  params?: Record<string, string | undefined>;
  ctx: RequestContext;
  recorder?: WriteRecorder;
  /** Vendor form field → unified field, for success=false answers (default: no field). */
  fields?: FieldMap;
  /**
   * The user a POST updates: when it is the gateway's own account, the vendor wants the old
   * password as `passwordValidation` for email, password or tagId changes (doc). The client adds
   * it so that the password never leaves this file.
   */
  selfEditOf?: string;
}

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=UTF-8';

/**
 * HTTP to PresentationServices through one VendorHttp. Auth is a token from GET /validateAccount,
 * sent with the account's userId as query parameters (GET/DELETE) or form fields (POST). One
 * session per connector (kit CredentialCache: one login in flight at a time, kept until the vendor
 * refuses it); a 401 (expired or revoked token, which the vendor applies before anything else, so
 * a rejected write was not applied) triggers one fresh login and one resend of that call (kit
 * sendWithRelogin), and a second 401 is SOURCE_AUTH_FAILED.
 */
export class PsClient {
  /** The hint is the step recorder of the write whose call started the login (the login is then one of its steps). */
  private readonly sessions: CredentialCache<Session, WriteRecorder>;

  constructor(
    private readonly http: VendorHttp,
    private readonly auth: PsAuth,
    readonly sourceId: string,
    coordination?: Coordination,
  ) {
    // One login for every instance when they share Redis (docs/instances.md).
    this.sessions = new CredentialCache(sourceId, (_previous, recorder) => this.login(recorder), Date.now, coordination);
  }

  /** The current session, logging in when there is none. */
  session(ctx: RequestContext, recorder?: WriteRecorder): Promise<Session> {
    return this.sessions.get(ctx.signal, recorder);
  }

  /**
   * GET /validateAccount?username&password&deviceId. It runs without the caller's context on
   * purpose: the session is shared by every request of the source, so one client going away must
   * not fail the others' login; each waiter still stops at its own deadline, and the call itself
   * at requestTimeoutMs. No expiry is documented: the session lasts until a 401.
   */
  private async login(recorder?: WriteRecorder): Promise<Issued<Session>> {
    const res = await this.http.request({
      method: 'GET',
      path: '/validateAccount',
      route: '/validateAccount',
      query: { username: this.auth.username, password: this.auth.password, deviceId: this.auth.deviceId },
      headers: { accept: 'application/json' },
      recorder,
    });
    if (res.status === 401 || res.status === 403) throw new SourceError('SOURCE_AUTH_FAILED', this.sourceId, undefined, { status: res.status });
    if (res.status !== 200 && res.status !== 400) throw statusError(this.sourceId, res);
    const login = readLogin(parseJson(this.sourceId, res));
    if (!login) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
    if (!login.ok) throw new SourceError('SOURCE_AUTH_FAILED', this.sourceId, undefined, { status: res.status });
    return { value: { token: login.account.token, userId: login.account.userId, organizationId: login.account.organizationId }, renewAt: null };
  }

  /** One vendor call; returns the envelope's `data`. */
  async call(o: CallOptions): Promise<unknown> {
    const res = await sendWithRelogin(this.sessions, (session) => this.send(o, session), { sourceId: this.sourceId, signal: o.ctx.signal, hint: o.recorder });
    try {
      return this.interpret(res, o.fields ?? {});
    } catch (err) {
      // A 200 with success=false is a rejected call: the step must not read as ok.
      const last = o.recorder?.steps[o.recorder.steps.length - 1];
      if (last) last.ok = false;
      throw err;
    }
  }

  private send(o: CallOptions, session: Session): Promise<HttpResponse> {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.params ?? {})) if (v !== undefined) params[k] = v;
    if (o.method === 'POST' && o.selfEditOf === session.userId && ['email', 'password', 'tagId'].some((k) => k in params)) {
      params.passwordValidation = this.auth.password;
    }
    // Last, like the doc's samples: token and the logged-in account's userId.
    params.token = session.token;
    params.userId = session.userId;
    const base = { method: o.method, path: o.path, route: o.route, ctx: o.ctx, recorder: o.recorder };
    if (o.method === 'POST') {
      const body = new URLSearchParams(params).toString();
      return this.http.request({ ...base, headers: { accept: 'application/json', 'content-type': FORM_CONTENT_TYPE }, body });
    }
    return this.http.request({ ...base, headers: { accept: 'application/json' }, query: params });
  }

  /**
   * 200 (or 400/422, should the vendor use them) with the envelope: data, or success=false →
   * BAD_USER_INPUT naming the unified field of the first vendor error (the vendor's message is
   * never passed on). 404 → NOT_FOUND. Other statuses → statusError.
   */
  private interpret(res: HttpResponse, fields: FieldMap): unknown {
    if (res.status === 404) throw new SourceError('NOT_FOUND', this.sourceId, undefined, { status: 404 });
    if (res.status !== 200 && res.status !== 400 && res.status !== 422) throw statusError(this.sourceId, res);
    const envelope = readEnvelope(parseJson(this.sourceId, res));
    if (!envelope) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
    if (envelope.ok) return envelope.data;
    const mapped = envelope.errors.map((e) => unifiedField(fields, e.field));
    const field = mapped.find((f): f is string => f != null);
    const message = field ? `The vendor rejected ${field}.` : 'The vendor rejected the input.';
    throw new SourceError('BAD_USER_INPUT', this.sourceId, message, { status: res.status, field });
  }
}

