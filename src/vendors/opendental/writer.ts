import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { UserRecord } from '../../core/model';
import { runWrite, type CreateUserInput, type SourceWriter, type UpdateUserInput, type UserErrorRecord, type WriteInput, type WriteOutcome, type WriteRecorder } from '../../core/writes';
import type { Call, FieldHints, OpenDentalClient } from './client';
import { checkRules as check } from '../../kit';
import { toOdBool, toUserRecord } from './mapper';
import type { UserodPages } from './pages';
import { CreateUserRules, IdRules, UpdateUserRules } from './rules';
import type { UserodPut } from './types';

/** Which field a POST /userods rejection concerns (see FieldHints). */
const POST_HINTS: FieldHints = {
  keywords: [
    ['UserName', 'input.username'],
    ['Password', 'input.password'],
    ['UserGroupNum', 'input.userTypeIds'],
  ],
  notFound: 'input.userTypeIds',
};

/** PUT /userods/{UserNum} rejections; `group`/`clinic` name the field of the mutation at hand. */
const putHints = (group: string, clinic: string): FieldHints => ({
  keywords: [
    ['UserGroupNum', group],
    ['userGroupNums', group],
    ['Clinic', clinic],
    ['Employee', 'input.employeeNumber'],
  ],
  notFound: 'userId',
});
const CREATE_PUT_HINTS = putHints('input.userTypeIds', 'input.facilityIds');
const PUT_HINTS = putHints('userTypeId', 'facilityId');

/**
 * The per-request writer (docs/architecture.md §4). Every call carries the mutation's recorder, so a failure
 * half-way is reported with the steps that succeeded; nothing is retried. After a write the
 * reader is told what changed (`reader.written`): its pages are dropped and the written user is
 * known, so reads in the same request see it. Read-modify-writes find the user in the request's
 * pages (pages.ts), walked with the write's recorder and no further than the user's page.
 */
export class OpenDentalWriter implements SourceWriter {
  constructor(
    private readonly client: OpenDentalClient,
    private readonly ctx: RequestContext,
    /** This connector's reader of the same request. */
    private readonly reader: SourceReader,
    /** The request's list pages, shared with the reader. */
    private readonly pages: UserodPages,
    private readonly passwordRequiresSymbol: boolean,
  ) {}

  private get sourceId(): string {
    return this.client.sourceId;
  }

  async validate(write: WriteInput): Promise<UserErrorRecord[]> {
    const ids = (o: Partial<IdRules>) => check(Object.assign(new IdRules(), o), '');
    switch (write.op) {
      case 'createUser':
        return check(Object.assign(new CreateUserRules(), write.input, { passwordRequiresSymbol: this.passwordRequiresSymbol }), 'input.');
      case 'updateUser':
        return [...(await ids({ userId: write.nativeId })), ...(await check(Object.assign(new UpdateUserRules(), write.input), 'input.'))];
      case 'setUserActive':
      case 'deleteUser':
        return ids({ userId: write.nativeId });
      case 'assignUserType':
      case 'removeUserType':
        return ids({ userId: write.nativeId, userTypeId: write.userTypeId });
      case 'grantFacilityAccess':
      case 'updateFacilityAccess':
      case 'revokeFacilityAccess':
        return ids({ userId: write.nativeId, facilityId: write.facilityId });
    }
  }

  /**
   * POST /userods with the first user type (the only group POST takes), then — only when needed —
   * one PUT for what POST cannot set: the other groups, the clinic, IsHidden, EmployeeNum.
   */
  createUser(input: CreateUserInput): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const call = this.call(rec);
      const groupNums = [...new Set((input.userTypeIds ?? []).map(Number))];
      const created = await this.client.createUserod({ UserName: input.username!, UserGroupNum: groupNums[0]!, Password: input.password! }, call, POST_HINTS);
      rec.partial(toUserRecord(this.sourceId, created));
      this.reader.written(String(created.UserNum), { kind: 'unknown' });
      const put: UserodPut = {};
      if (groupNums.length > 1) put.userGroupNums = groupNums;
      const clinic = input.primaryFacilityId ?? input.facilityIds?.[0];
      if (clinic) put.ClinicNum = Number(clinic);
      if (input.active === false) put.IsHidden = 'true';
      if (input.employeeNumber) put.EmployeeNum = Number(input.employeeNumber);
      const user =
        Object.keys(put).length === 0
          ? toUserRecord(this.sourceId, created)
          : toUserRecord(this.sourceId, await this.client.updateUserod(String(created.UserNum), put, call, CREATE_PUT_HINTS));
      return this.done(user);
    });
  }

  /** PUT /userods/{UserNum} with what the unified input can change: active → IsHidden, employeeNumber → EmployeeNum (null → 0). */
  updateUser(nativeId: string, input: UpdateUserInput): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const put: UserodPut = {};
      if (input.active != null) put.IsHidden = toOdBool(!input.active);
      if (input.employeeNumber !== undefined) put.EmployeeNum = input.employeeNumber === null ? 0 : Number(input.employeeNumber);
      if (Object.keys(put).length === 0) return this.current(nativeId, rec);
      return this.put(nativeId, put, rec);
    });
  }

  setUserActive(nativeId: string, active: boolean): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec) => this.put(nativeId, { IsHidden: toOdBool(!active) }, rec));
  }

  /** userGroupNums replaces the whole set, so the current set is read first (the request's list scan). */
  assignUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const user = await this.current(nativeId, rec);
      const ids = user.refs.userTypeIds ?? [];
      if (ids.includes(userTypeId)) return user;
      return this.put(nativeId, { userGroupNums: [...ids, userTypeId].map(Number) }, rec);
    });
  }

  removeUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const user = await this.current(nativeId, rec);
      const ids = user.refs.userTypeIds ?? [];
      if (!ids.includes(userTypeId)) return user;
      const rest = ids.filter((id) => id !== userTypeId);
      if (rest.length === 0) throw new SourceError('BAD_USER_INPUT', this.sourceId, 'An Open Dental user must keep at least one user group.', { field: 'userTypeId' });
      return this.put(nativeId, { userGroupNums: rest.map(Number) }, rec);
    });
  }

  /** ClinicNum is the user's one default clinic: granting one replaces the previous, and it is always primary. */
  grantFacilityAccess(nativeId: string, facilityId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec) => this.put(nativeId, { ClinicNum: Number(facilityId) }, rec));
  }

  private call(recorder: WriteRecorder): Call {
    return { ctx: this.ctx, recorder };
  }

  private async put(nativeId: string, body: UserodPut, rec: WriteRecorder): Promise<UserRecord> {
    const updated = await this.client.updateUserod(nativeId, body, this.call(rec), PUT_HINTS);
    return this.done(toUserRecord(this.sourceId, updated));
  }

  private async current(nativeId: string, rec: WriteRecorder): Promise<UserRecord> {
    const user = (await this.pages.find([nativeId], rec)).get(nativeId) ?? null;
    if (!user) throw new SourceError('NOT_FOUND', this.sourceId, 'userId was not found in Open Dental.', { field: 'userId' });
    return user;
  }

  private done(user: UserRecord): UserRecord {
    this.reader.written(user.nativeId, { kind: 'saved', user });
    return user;
  }
}
