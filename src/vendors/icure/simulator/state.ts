import { createHash } from 'node:crypto';
import { ICURE_STATUSES, ICURE_USER_TYPES, type PropertyStubDto, type UserDto } from '../types';
import type { SimClock } from './clock';

/**
 * The simulator's user database: CouchDB-like documents with revisions, Kraken's rules on create,
 * modify, soft delete and properties, and the `by login` view the list pages through.
 * Stored documents keep `passwordHash` (SHA-256 hex here; BCrypt in Kraken); `toDto` removes it.
 */
export type StoredUser = UserDto;
export type Result<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

/** UserDto fields Kraken knows; anything else in a request body is ignored (ignoreUnknown = true). */
const KNOWN_FIELDS = [
  'id', 'rev', 'deletionDate', 'created', 'identifier', 'name', 'properties', 'permissions', 'roles', 'type', 'status', 'login',
  'passwordHash', 'groupId', 'healthcarePartyId', 'patientId', 'deviceId', 'autoDelegations', 'createdDate', 'termsOfUseDate',
  'email', 'mobilePhone', 'applicationTokens', 'authenticationTokens', 'systemMetadata',
] as const;
const STRING_FIELDS = ['id', 'rev', 'name', 'login', 'passwordHash', 'groupId', 'healthcarePartyId', 'patientId', 'deviceId', 'email', 'mobilePhone'];
const NUMBER_FIELDS = ['deletionDate', 'created', 'createdDate', 'termsOfUseDate'];
const ARRAY_FIELDS = ['identifier', 'properties', 'permissions', 'roles'];
const OBJECT_FIELDS = ['autoDelegations', 'applicationTokens', 'authenticationTokens', 'systemMetadata'];
const SECRET_FIELDS = ['passwordHash', 'applicationTokens', 'authenticationTokens'] as const;

export interface ConcurrentWriter {
  /** How many more GET /rest/v2/user/{id} answers are followed by a write from "someone else". */
  remaining: number;
  patch: Record<string, unknown>;
}

export class UserStore {
  private users = new Map<string, StoredUser>();
  /** Simulated other writers, by user id (POST /__sim/users/{id}/concurrent-writes). */
  readonly concurrent = new Map<string, ConcurrentWriter>();

  constructor(
    private readonly seed: () => StoredUser[],
    readonly clock: SimClock,
  ) {
    this.reset();
  }

  reset(): void {
    this.users = new Map(this.seed().map((u) => [u.id, structuredClone(u)]));
    this.concurrent.clear();
  }

  get(id: string): StoredUser | undefined {
    return this.users.get(id);
  }

  /**
   * One page of the `by login` view: rows sorted by (login, id), starting *with* the first row at or
   * after (startKey, startDocumentId); `next` is the row after the page, which the next page starts with.
   */
  page(q: { startKey: string | null; startDocumentId: string | null; limit: number; skipPatients: boolean }): { rows: StoredUser[]; next: StoredUser | null } {
    const rows = this.sorted().filter((u) => !(q.skipPatients && u.patientId));
    const from = q.startKey === null ? 0 : rows.findIndex((u) => compareKey(u, q.startKey!, q.startDocumentId ?? '') >= 0);
    if (from < 0) return { rows: [], next: null };
    const slice = rows.slice(from, from + q.limit + 1);
    return { rows: slice.slice(0, q.limit), next: slice[q.limit] ?? null };
  }

  /** Email look-up, case-insensitive; the first by (login, id) when several match. */
  byEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase();
    return this.sorted().find((u) => u.email?.toLowerCase() === wanted);
  }

  byHealthcarePartyId(hcpId: string): string[] {
    return this.sorted().filter((u) => u.healthcarePartyId === hcpId).map((u) => u.id);
  }

  /** A Basic/JWT login: the user exists, is not soft-deleted or DISABLED, and the password hashes right. */
  authenticate(login: string, password: string): StoredUser | undefined {
    const user = this.sorted().find((u) => u.login?.toLowerCase() === login.toLowerCase());
    if (!user || user.deletionDate != null || user.status === 'DISABLED') return undefined;
    return user.passwordHash === hashPassword(password) ? user : undefined;
  }

  /** Usable for a bearer token issued earlier: still present, not deleted, not disabled. */
  canAct(id: string): boolean {
    const u = this.users.get(id);
    return !!u && u.deletionDate == null && u.status !== 'DISABLED';
  }

  /** POST /rest/v2/user (Kraken UserLogicImpl.doCreateUser). */
  create(body: unknown): Result<StoredUser> {
    const doc = readDocument(body);
    if (!doc.ok) return doc;
    const input = doc.value;
    if (this.users.has(input.id)) return fail(409, `Document update conflict: a user with id ${input.id} already exists`);
    const login = nonBlank(input.login) ?? nonBlank(input.email) ?? nonBlank(input.mobilePhone);
    if (!login) return fail(400, 'createUser: Requirements are not met. One of Email, Login or Mobile Phone has to be not null and not blank.');
    const candidate: StoredUser = { ...input, login };
    const dup = this.duplicate(candidate, null);
    if (dup) return fail(400, dup);
    const now = this.clock.now();
    const stored: StoredUser = withoutSystemFields({
      ...candidate,
      email: nonBlank(input.email) ?? undefined,
      mobilePhone: nonBlank(input.mobilePhone) ?? undefined,
      status: input.status ?? 'ACTIVE',
      created: input.created ?? now,
      createdDate: now,
      deletionDate: undefined,
      applicationTokens: undefined,
      passwordHash: input.passwordHash != null ? storedHash(input.passwordHash) : undefined,
    });
    stored.rev = nextRev(stored, 0);
    this.users.set(stored.id, stored);
    return { ok: true, value: stored };
  }

  /**
   * PUT /rest/v2/user: replaces the whole document. Needs the current rev (missing → 400, stale → 409).
   * Omitted secrets are filled from the stored user (Kraken's mapFillingOmittedSecrets); the soft
   * delete mark is kept (undelete has its own route); groupId and systemMetadata are ignored.
   */
  modify(body: unknown): Result<StoredUser> {
    const doc = readDocument(body);
    if (!doc.ok) return doc;
    const input = doc.value;
    if (input.rev == null) return fail(400, 'An entity with a null revision is not valid for modification');
    const current = this.users.get(input.id);
    if (!current) return fail(409, `Entity with id ${input.id} not found, but was expected to exist with revision ${input.rev}`);
    if (current.rev !== input.rev) return fail(409, 'Document update conflict.');
    const dup = this.duplicate(input, input.id);
    if (dup) return fail(400, dup);
    const next: StoredUser = withoutSystemFields({ ...input, deletionDate: current.deletionDate });
    for (const secret of SECRET_FIELDS) {
      const sent = input[secret];
      const omitted = sent == null || (typeof sent === 'object' && Object.keys(sent).length === 0);
      if (omitted) (next as Record<string, unknown>)[secret] = current[secret];
    }
    if (input.passwordHash != null) next.passwordHash = storedHash(input.passwordHash);
    next.rev = nextRev(next, revNumber(current.rev));
    this.users.set(next.id, next);
    return { ok: true, value: next };
  }

  /** DELETE /rest/v2/user/{id}[?rev=]: soft delete; deleting an already deleted user changes nothing. */
  softDelete(id: string, rev: string | null): Result<{ id: string; rev: string }> {
    const current = this.users.get(id);
    if (!current) return fail(404, `User with id ${id} not found`);
    if (rev !== null && rev !== current.rev) return fail(409, 'Document update conflict.');
    if (current.deletionDate == null) {
      const next = { ...current, deletionDate: this.clock.now() };
      next.rev = nextRev(next, revNumber(current.rev));
      this.users.set(id, next);
    }
    const saved = this.users.get(id)!;
    return { ok: true, value: { id, rev: saved.rev! } };
  }

  /** PUT /rest/v2/user/{id}/properties: merges by property type identifier (Kraken setProperties). */
  setProperties(id: string, body: unknown): Result<StoredUser> {
    const current = this.users.get(id);
    if (!current) return fail(404, `User with id ${id} not found`);
    if (!Array.isArray(body) || !body.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p))) return fail(400, 'The body must be a list of properties');
    const props = [...(current.properties ?? [])];
    for (const p of body as PropertyStubDto[]) {
      const at = props.findIndex((q) => q.type?.identifier != null && q.type.identifier === p.type?.identifier);
      if (at >= 0) props[at] = { ...props[at], type: props[at]!.type?.type ? props[at]!.type : { ...props[at]!.type, type: p.typedValue?.type }, typedValue: p.typedValue };
      else props.push(p);
    }
    const next = { ...current, properties: props };
    next.rev = nextRev(next, revNumber(current.rev));
    this.users.set(id, next);
    return { ok: true, value: next };
  }

  /** A write by "someone else" right after a read: the reader's rev is stale from now on. */
  afterRead(id: string): void {
    const w = this.concurrent.get(id);
    const current = this.users.get(id);
    if (!w || w.remaining <= 0 || !current) return;
    w.remaining--;
    const next = { ...current, ...w.patch } as StoredUser;
    next.rev = nextRev(next, revNumber(current.rev));
    this.users.set(id, next);
  }

  private sorted(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => compareKey(a, b.login ?? '', b.id));
  }

  /**
   * Kraken's DuplicateUserException: logins and emails are unique, compared case-insensitively,
   * soft-deleted users included (their login still exists in the database).
   */
  private duplicate(candidate: StoredUser, selfId: string | null): string | null {
    for (const u of this.users.values()) {
      if (u.id === selfId) continue;
      if (candidate.login && u.login && u.login.toLowerCase() === candidate.login.toLowerCase()) return `A user with Login ${candidate.login} already exists`;
      if (candidate.email && u.email && u.email.toLowerCase() === candidate.email.toLowerCase()) return `A user with Email ${candidate.email} already exists`;
    }
    return null;
  }
}

/** The JSON a client sees: no secrets, no nulls, Kotlin's empty-collection defaults, computed systemMetadata. */
export function toDto(u: StoredUser): UserDto {
  // id and rev first, then Kotlin's empty-collection defaults, then the stored fields.
  const out: Record<string, unknown> = { id: u.id, rev: u.rev, identifier: [], properties: [], permissions: [], roles: [], autoDelegations: {} };
  Object.assign(out, u, {
    authenticationTokens: {},
    systemMetadata: { roles: u.roles ?? [], isAdmin: (u.roles ?? []).includes('ADMIN'), inheritsRoles: false },
  });
  delete out.passwordHash;
  delete out.applicationTokens;
  delete out.groupId;
  for (const [k, v] of Object.entries(out)) if (v === null || v === undefined) delete out[k];
  return out as UserDto;
}

export function hashPassword(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/** A value that already looks like our hash is stored as is; anything else is a password to hash. */
function storedHash(value: string): string {
  return /^[0-9a-f]{64}$/.test(value) ? value : hashPassword(value);
}

/** CouchDB-style "N-<32 hex>": the hash is an MD5 of the document, so identical writes give identical revs. */
export function nextRev(doc: StoredUser, previous: number): string {
  const n = previous + 1;
  const { rev: _rev, ...content } = doc;
  return `${n}-${createHash('md5').update(`${n}:${JSON.stringify(content)}`).digest('hex')}`;
}

function revNumber(rev: string | undefined): number {
  const n = Number.parseInt((rev ?? '0').split('-')[0] ?? '0', 10);
  return Number.isFinite(n) ? n : 0;
}

function compareKey(u: StoredUser, login: string, id: string): number {
  const a = u.login ?? '';
  if (a !== login) return a < login ? -1 : 1;
  return u.id === id ? 0 : u.id < id ? -1 : 1;
}

/** Jackson-like reading of a UserDto body: types checked, unknown fields dropped, id required. */
function readDocument(body: unknown): Result<StoredUser> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(400, 'Failed to read HTTP message');
  const src = body as Record<string, unknown>;
  const doc: Record<string, unknown> = {};
  for (const k of KNOWN_FIELDS) if (src[k] !== undefined && src[k] !== null) doc[k] = src[k];
  for (const k of STRING_FIELDS) if (doc[k] !== undefined && typeof doc[k] !== 'string') return fail(400, `Failed to read HTTP message: ${k} must be a string`);
  for (const k of NUMBER_FIELDS) if (doc[k] !== undefined && typeof doc[k] !== 'number') return fail(400, `Failed to read HTTP message: ${k} must be a number`);
  for (const k of ARRAY_FIELDS) if (doc[k] !== undefined && !Array.isArray(doc[k])) return fail(400, `Failed to read HTTP message: ${k} must be an array`);
  for (const k of OBJECT_FIELDS) if (doc[k] !== undefined && (typeof doc[k] !== 'object' || Array.isArray(doc[k]))) return fail(400, `Failed to read HTTP message: ${k} must be an object`);
  if (doc.roles !== undefined && !(doc.roles as unknown[]).every((r) => typeof r === 'string')) return fail(400, 'Failed to read HTTP message: roles must be strings');
  if (doc.status !== undefined && !(ICURE_STATUSES as readonly unknown[]).includes(doc.status)) return fail(400, 'Failed to read HTTP message: unknown status');
  if (doc.type !== undefined && !(ICURE_USER_TYPES as readonly unknown[]).includes(doc.type)) return fail(400, 'Failed to read HTTP message: unknown type');
  if (typeof doc.id !== 'string' || doc.id === '') return fail(400, 'Failed to read HTTP message: id is required');
  if (doc.roles !== undefined) doc.roles = [...new Set(doc.roles as string[])]; // a Set<String> in Kraken
  return { ok: true, value: doc as StoredUser };
}

function withoutSystemFields(u: StoredUser): StoredUser {
  const out: Record<string, unknown> = { ...u };
  delete out.groupId; // "stripped and ignored on create/modify"
  delete out.systemMetadata; // read-only, computed on output
  for (const [k, v] of Object.entries(out)) if (v === undefined || v === null) delete out[k];
  return out as StoredUser;
}

function nonBlank(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function fail(status: number, message: string): { ok: false; status: number; message: string } {
  return { ok: false, status, message };
}
