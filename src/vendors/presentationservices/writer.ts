import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { UserRecord } from '../../core/model';
import { SourceError } from '../../core/errors';
import {
  runWrite, type CreateUserInput, type SourceWriter, type UpdateUserInput, type UserErrorRecord, type WriteInput, type WriteOutcome, type WriteRecorder,
} from '../../core/writes';
import { path } from '../../http/path';
import { checkValues as check } from '../../kit';
import type { PsClient } from './client';
import {
  ASSIGN_ROLE_FIELDS, CREATE_FIELDS, GRANT_FACILITY_FIELDS, SET_ACTIVE_FIELDS, UPDATE_FIELDS, mapUser, readUser, readUsers, splitFacilityNativeId,
  vendorStatus, type FieldMap,
} from './mapper';
import type { PsScope } from './scope';
import { AssignUserTypeRules, CreateUserRules, GrantFacilityRules, UpdateUserRules, UserIdRules } from './rules';
import type { PsUser } from './wire';

type Form = Record<string, string | undefined>;

/**
 * The per-request writer (DESIGN §4). Every change of an existing user is GET /users/{id} then
 * POST /users/{id}, because the vendor's update wants firstName, lastName, organization, facility
 * and role every time: they are re-sent as read, with the change applied. email, password, tagId
 * and status go only when they change (empty means "unchanged" to the vendor). No write is retried
 * except the client's single retry after a 401, which the vendor answers before applying anything.
 * The request's reader is told what each write did (`reader.written`).
 */
export class PsWriter implements SourceWriter {
  constructor(
    private readonly sourceId: string,
    private readonly client: PsClient,
    /** This connector's reader of the same request. */
    private readonly reader: SourceReader,
    /** The request's organizations, shared with the reader. */
    private readonly scope: PsScope,
    private readonly ctx: RequestContext,
  ) {}

  async validate(write: WriteInput): Promise<UserErrorRecord[]> {
    switch (write.op) {
      case 'createUser':
        return check(CreateUserRules, write.input, 'input.');
      case 'updateUser':
        return [...(await check(UserIdRules, { userId: write.nativeId })), ...(await check(UpdateUserRules, write.input, 'input.'))];
      case 'assignUserType':
      case 'removeUserType':
        return check(AssignUserTypeRules, { userId: write.nativeId, userTypeId: write.userTypeId });
      case 'grantFacilityAccess':
      case 'updateFacilityAccess':
      case 'revokeFacilityAccess':
        return check(GrantFacilityRules, { userId: write.nativeId, facilityId: write.facilityId });
      case 'setUserActive':
      case 'deleteUser':
        return check(UserIdRules, { userId: write.nativeId });
    }
  }

  createUser(input: CreateUserInput): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const place = splitFacilityNativeId(input.facilityIds![0]!)!;
      const form: Form = {
        firstName: input.firstName!,
        lastName: input.lastName!,
        username: input.username!,
        email: input.email!,
        password: input.password!,
        organization: place.organization,
        facility: place.facility,
        role: input.userTypeIds![0]!,
        status: vendorStatus(input.active ?? true),
        tagId: input.tagId ?? undefined,
      };
      const data = await this.client.call({ method: 'POST', path: '/users', route: '/users', params: form, fields: CREATE_FIELDS, ctx: this.ctx, recorder: rec });
      // The vendor's answer is the new user; should it carry nothing usable, find it by username.
      const created = readUser(data) ?? (await this.findByUsername(input.username!, rec));
      return this.remember(created);
    });
  }

  updateUser(nativeId: string, input: UpdateUserInput): Promise<WriteOutcome> {
    return this.change(nativeId, UPDATE_FIELDS, (cur) => ({
      firstName: input.firstName ?? undefined,
      lastName: input.lastName ?? undefined,
      email: input.email != null && input.email !== cur.email ? input.email : undefined,
      password: input.password ?? undefined,
      // tagId is never returned, so it cannot be compared: a given tagId is always sent.
      tagId: input.tagId ?? undefined,
      status: input.active != null && vendorStatus(input.active) !== cur.status ? vendorStatus(input.active) : undefined,
    }));
  }

  setUserActive(nativeId: string, active: boolean): Promise<WriteOutcome> {
    return this.change(nativeId, SET_ACTIVE_FIELDS, () => ({ status: vendorStatus(active) }));
  }

  deleteUser(nativeId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      await this.notFoundAsUserId(this.client.call({ method: 'DELETE', path: path`/users/${nativeId}`, route: '/users/{userId}', ctx: this.ctx, recorder: rec }));
      this.reader.written(nativeId, { kind: 'deleted' });
      return null;
    });
  }

  /** Single role: the new role replaces the old one. */
  assignUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return this.change(nativeId, ASSIGN_ROLE_FIELDS, () => ({ role: userTypeId }));
  }

  /**
   * Single facility: it replaces the old one, and the organization follows the facility. `primary`
   * is accepted either way: the vendor's one facility is always the primary one.
   */
  grantFacilityAccess(nativeId: string, facilityId: string): Promise<WriteOutcome> {
    const place = splitFacilityNativeId(facilityId)!;
    return this.change(nativeId, GRANT_FACILITY_FIELDS, () => ({ organization: place.organization, facility: place.facility }));
  }

  /** GET /users/{id}, then POST /users/{id} with the mandatory fields as read and `patch` over them. */
  private change(nativeId: string, fields: FieldMap, patch: (cur: PsUser) => Form): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const cur = await this.read(nativeId, rec);
      if (!cur.firstName || !cur.lastName || !cur.organizationId || !cur.facilityId || !cur.role) {
        // The vendor would reject the re-sent record: do not send a partial one.
        throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
      }
      const form: Form = { firstName: cur.firstName, lastName: cur.lastName, organization: cur.organizationId, facility: cur.facilityId, role: cur.role.id };
      for (const [k, v] of Object.entries(patch(cur))) if (v !== undefined) form[k] = v;
      const data = await this.notFoundAsUserId(
        this.client.call({ method: 'POST', path: path`/users/${nativeId}`, route: '/users/{userId}', params: form, fields, selfEditOf: nativeId, ctx: this.ctx, recorder: rec }),
      );
      const after = readUser(data) ?? (await this.read(nativeId, rec));
      return this.remember(after);
    });
  }

  /** A fresh GET /users/{id} (never the request's cached copy: a write starts from the vendor's state). */
  private async read(nativeId: string, rec: WriteRecorder): Promise<PsUser> {
    const data = await this.notFoundAsUserId(this.client.call({ method: 'GET', path: path`/users/${nativeId}`, route: '/users/{userId}', ctx: this.ctx, recorder: rec }));
    const user = readUser(data);
    if (!user) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
    if (!(await this.scope.shows(user))) throw new SourceError('NOT_FOUND', this.sourceId, 'No such user.', { field: 'userId' });
    return user;
  }

  private async findByUsername(username: string, rec: WriteRecorder): Promise<PsUser> {
    const users = readUsers(await this.client.call({ method: 'GET', path: '/users', route: '/users', ctx: this.ctx, recorder: rec }));
    const found = users?.find((u) => u.username === username);
    if (!found) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
    return found;
  }

  /** The user as the vendor answered the write, told to the request's reader. */
  private remember(raw: PsUser): UserRecord {
    const user = mapUser(this.sourceId, raw);
    this.reader.written(user.nativeId, { kind: 'saved', user });
    return user;
  }

  private async notFoundAsUserId<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (err) {
      if (err instanceof SourceError && err.code === 'NOT_FOUND') throw new SourceError('NOT_FOUND', this.sourceId, 'No such user.', { field: 'userId', status: 404 });
      throw err;
    }
  }
}
