import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { UserRecord } from '../../core/model';
import { runWrite, type CreateUserInput, type UserErrorRecord, type SourceWriter, type UpdateUserInput, type WriteInput, type WriteOutcome, type WriteRecorder } from '../../core/writes';
import type { CallOptions, CoremrClient } from './client';
import { toCreateBody, toPutBody, toUserRecord } from './mapper';
import type { CoremrUser } from './records';
import { validateWrite } from './rules';

/**
 * The per-request CorEMR writer (docs/architecture.md §4). Every call is a mutation step; multi-call writes
 * run in order and stop at the first failure, which runWrite reports with the steps that
 * succeeded. Nothing is retried. After a write the request's reader is told what changed
 * (`reader.written`, the kit's writer → reader contract), so a read in the same request sees it.
 */
export class CoremrWriter implements SourceWriter {
  constructor(
    private readonly sourceId: string,
    private readonly client: CoremrClient,
    private readonly ctx: RequestContext,
    /** This connector's reader of the same request. */
    private readonly reader: SourceReader,
  ) {}

  validate(write: WriteInput): Promise<UserErrorRecord[]> {
    return validateWrite(write);
  }

  /**
   * POST /ws/users/ with the first user type (CorEMR's `usertype` is set only on add), then
   * POST …/types/ for each other type, then POST …/facilities/ for each facility, the primary one
   * first with primary=true (so exactly one is primary under every reading of the vendor).
   */
  createUser(input: CreateUserInput): Promise<WriteOutcome> {
    return this.write(async (o) => {
      const username = input.username!;
      const [first, ...otherTypes] = input.userTypeIds!;
      try {
        const created = await this.client.createUser(toCreateBody({ ...input, username, password: input.password! }, first!), o);
        if (created) o.rec?.partial(toUserRecord(this.sourceId, created));
        for (const name of otherTypes) await this.client.addUserType(username, name, 'input.userTypeIds', o);
        for (const f of facilityOrder(input)) await this.client.addFacility(username, f.code, f.primary, 'input.facilityIds', o);
        return this.userWritten(created ?? (await this.readBack(username, o)));
      } catch (err) {
        // A partial create may have left the user in CorEMR: forget whatever the reader knew.
        this.reader.written(username, { kind: 'unknown' });
        throw err;
      } finally {
        this.reader.written(username, { kind: 'relations' });
      }
    });
  }

  /** GET then PUT of the whole writable record with the patch applied (PUT clears omitted fields). */
  updateUser(nativeId: string, input: UpdateUserInput): Promise<WriteOutcome> {
    return this.write((o) => this.replace(nativeId, input, o));
  }

  setUserActive(nativeId: string, active: boolean): Promise<WriteOutcome> {
    return this.write((o) => this.replace(nativeId, { active }, o));
  }

  deleteUser(nativeId: string): Promise<WriteOutcome> {
    return this.write(async (o) => {
      await this.client.deleteUser(nativeId, o);
      this.reader.written(nativeId, { kind: 'deleted' });
      return null;
    });
  }

  assignUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return this.relationWrite(nativeId, (o) => this.client.addUserType(nativeId, userTypeId, 'userTypeId', o));
  }

  removeUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return this.relationWrite(nativeId, (o) => this.client.removeUserType(nativeId, userTypeId, o));
  }

  grantFacilityAccess(nativeId: string, facilityId: string, primary: boolean): Promise<WriteOutcome> {
    return this.relationWrite(nativeId, (o) => this.client.addFacility(nativeId, facilityId, primary, 'facilityId', o));
  }

  updateFacilityAccess(nativeId: string, facilityId: string, primary: boolean): Promise<WriteOutcome> {
    return this.relationWrite(nativeId, (o) => this.client.updateFacility(nativeId, facilityId, primary, o));
  }

  revokeFacilityAccess(nativeId: string, facilityId: string): Promise<WriteOutcome> {
    return this.relationWrite(nativeId, (o) => this.client.removeFacility(nativeId, facilityId, o));
  }

  // --- internals -------------------------------------------------------------------------------

  private write(fn: (o: CallOptions) => Promise<UserRecord | null>): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec: WriteRecorder) => fn({ ctx: this.ctx, rec }));
  }

  private async replace(username: string, patch: UpdateUserInput, o: CallOptions): Promise<UserRecord> {
    // Always a fresh read (never the loader's copy): the PUT must carry the record as it is now.
    const current = await this.client.getUser(username, o);
    if (!current) throw new SourceError('NOT_FOUND', this.sourceId, 'The user does not exist.', { field: 'userId' });
    const updated = await this.client.replaceUser(username, toPutBody(current, patch), o);
    return this.userWritten(updated ?? (await this.readBack(username, o)));
  }

  /**
   * A usertype or facility write answers with the sub-resource, not the user, so the user is
   * read back (GET /ws/users/{username}, a recorded step) to return it as it is after the write.
   */
  private relationWrite(username: string, call: (o: CallOptions) => Promise<unknown>): Promise<WriteOutcome> {
    return this.write(async (o) => {
      try {
        await call(o);
      } finally {
        this.reader.written(username, { kind: 'relations' });
      }
      return this.userWritten(await this.readBack(username, o));
    });
  }

  private async readBack(username: string, o: CallOptions): Promise<CoremrUser> {
    const user = await this.client.getUser(username, o);
    if (!user) throw new SourceError('NOT_FOUND', this.sourceId, 'The user does not exist.', { field: 'userId' });
    return user;
  }

  private userWritten(raw: CoremrUser): UserRecord {
    const user = toUserRecord(this.sourceId, raw);
    this.reader.written(user.nativeId, { kind: 'saved', user });
    return user;
  }
}

/** Facilities to grant on create: the primary one (primaryFacilityId, else the first) first. */
function facilityOrder(input: CreateUserInput): Array<{ code: string; primary: boolean }> {
  const ids = input.facilityIds ?? [];
  const primary = input.primaryFacilityId ?? ids[0];
  return [...ids.filter((id) => id === primary), ...ids.filter((id) => id !== primary)].map((code) => ({ code, primary: code === primary }));
}
