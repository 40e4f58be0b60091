import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { UserRecord } from '../../core/model';
import { runWrite, type CreateUserInput, type SourceWriter, type UpdateUserInput, type UserErrorRecord, type WriteInput, type WriteOutcome, type WriteRecorder } from '../../core/writes';
import type { PainChekClient } from './client';
import { toCreateBody, toPatchBody, toUserRecord } from './mapper';
import { validateWrite } from './rules';

/**
 * The per-request writer (docs/architecture.md §4, PainChek column). Calls are made one after another so a
 * failure half-way reports exactly the steps that succeeded; nothing is retried except the single
 * re-send after a 401 in the client (a 401 call was not applied). deleteUser and removeUserType are
 * unsupported (see capabilities) and have no method.
 */
export class PainChekWriter implements SourceWriter {
  constructor(
    private readonly sourceId: string,
    private readonly client: PainChekClient,
    private readonly ctx: RequestContext,
    /** This connector's reader of the same request: reads go through it, and it is told what each write changed. */
    private readonly reader: SourceReader,
  ) {}

  validate(write: WriteInput): Promise<UserErrorRecord[]> {
    return validateWrite(write);
  }

  /** POST the user (institution = primary facility), then grant each facility one by one. */
  createUser(input: CreateUserInput): Promise<WriteOutcome> {
    return this.write(async (rec) => {
      const created = this.noteUser(toUserRecord(this.sourceId, await this.client.createUser(this.ctx, toCreateBody(input), rec)));
      rec.partial(created);
      const sites = [...new Set([...(input.facilityIds ?? []), ...(input.primaryFacilityId ? [input.primaryFacilityId] : [])])];
      for (const site of sites) {
        await this.client.grantSiteAccess(this.ctx, site, created.nativeId, rec);
        this.siteAccessChanged(created.nativeId, site);
      }
      return created;
    });
  }

  /** PATCH only the fields present in the input; with none, nothing is sent and the user is read. */
  updateUser(nativeId: string, input: UpdateUserInput): Promise<WriteOutcome> {
    const body = toPatchBody(input);
    return this.write(async (rec) => (Object.keys(body).length ? this.patchUser(nativeId, body, rec) : this.existingUser(nativeId)));
  }

  setUserActive(nativeId: string, active: boolean): Promise<WriteOutcome> {
    return this.write((rec) => this.patchUser(nativeId, { is_active: active }, rec));
  }

  /** A PainChek user has exactly one role: assigning replaces it. */
  assignUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return this.write((rec) => this.patchUser(nativeId, { role: userTypeId }, rec));
  }

  /** PATCH the site access record; when primary, also make the site the user's institution. */
  grantFacilityAccess(nativeId: string, facilityId: string, primary: boolean): Promise<WriteOutcome> {
    return this.write(async (rec) => {
      await this.client.grantSiteAccess(this.ctx, facilityId, nativeId, rec);
      this.siteAccessChanged(nativeId, facilityId);
      return primary ? this.patchUser(nativeId, { institution: facilityId }, rec) : this.existingUser(nativeId);
    });
  }

  /**
   * Primary is PainChek's `institution`: primary=true sets it to this site; primary=false clears
   * it (institution null) only when this site is the current institution, otherwise nothing changes.
   */
  updateFacilityAccess(nativeId: string, facilityId: string, primary: boolean): Promise<WriteOutcome> {
    return this.write(async (rec) => {
      if (primary) return this.patchUser(nativeId, { institution: facilityId }, rec);
      const user = await this.existingUser(nativeId);
      return institutionOf(user) === facilityId ? this.patchUser(nativeId, { institution: null }, rec) : user;
    });
  }

  /**
   * DELETE the site access record. When the site is also the user's institution, the institution
   * is cleared too (PATCH institution null), or the site would still show as the primary facility.
   * No access record but the site is the institution: the institution alone is cleared.
   */
  revokeFacilityAccess(nativeId: string, facilityId: string): Promise<WriteOutcome> {
    return this.write(async (rec) => {
      const user = await this.existingUser(nativeId);
      const isInstitution = institutionOf(user) === facilityId;
      try {
        await this.client.revokeSiteAccess(this.ctx, facilityId, nativeId, rec);
      } catch (e) {
        if (!(isInstitution && e instanceof SourceError && e.code === 'NOT_FOUND')) throw e;
      }
      this.siteAccessChanged(nativeId, facilityId);
      return isInstitution ? this.patchUser(nativeId, { institution: null }, rec) : user;
    });
  }

  private write(fn: (rec: WriteRecorder) => Promise<UserRecord>): Promise<WriteOutcome> {
    return runWrite(this.sourceId, fn);
  }

  private async patchUser(nativeId: string, body: Record<string, unknown>, rec: WriteRecorder): Promise<UserRecord> {
    return this.noteUser(toUserRecord(this.sourceId, await this.client.updateUser(this.ctx, nativeId, body, rec)));
  }

  /** The user as it stands (through the reader's loader, so a user read earlier in the request costs nothing). */
  private async existingUser(nativeId: string): Promise<UserRecord> {
    const user = await this.reader.user(nativeId);
    if (!user) throw new SourceError('NOT_FOUND', this.sourceId, undefined, { field: 'userId' });
    return user;
  }

  private noteUser(user: UserRecord): UserRecord {
    this.reader.written(user.nativeId, { kind: 'saved', user });
    return user;
  }

  private siteAccessChanged(nativeId: string, site: string): void {
    this.reader.written(nativeId, { kind: 'relations', facilityIds: [site] });
  }
}

function institutionOf(user: UserRecord): string | null {
  return user.refs.facilities?.find((f) => f.primary)?.facilityId ?? null;
}
