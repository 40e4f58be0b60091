import { randomUUID } from 'node:crypto';
import type { SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { UserRecord } from '../../core/model';
import { runWrite, type CreateUserInput, type SourceWriter, type UpdateUserInput, type UserErrorRecord, type WriteInput, type WriteOutcome, type WriteRecorder } from '../../core/writes';
import { notFound, type DuplicateFields, type IcureClient } from './client';
import { applyActive, applyAddRole, applyRemoveRole, applyUpdate, buildCreateDto, isDeleted, toUserRecord } from './mapper';
import { validateWrite } from './rules';
import type { UserDto } from './types';

/** On update the login is not an input, so a duplicate can only be the email or the phone. */
const UPDATE_DUPLICATES: DuplicateFields = { Email: 'input.email', Phone: 'input.phone' };

/**
 * The per-request iCure writer (docs/architecture.md §4):
 *  - createUser → POST /rest/v2/user;
 *  - updateUser, setUserActive, assignUserType, removeUserType → GET /rest/v2/user/{id}, then
 *    PUT /rest/v2/user with the whole document and its current rev (PUT replaces the document, so
 *    every field we do not change is sent back as read). A 409 (stale rev: someone wrote in
 *    between) gets one fresh read and one retry, then CONFLICT — the only retry a write may make;
 *  - deleteUser → DELETE /rest/v2/user/{id} (soft delete);
 *  - facility access: unsupported (capabilities), so no method.
 */
export class IcureWriter implements SourceWriter {
  constructor(
    private readonly sourceId: string,
    private readonly client: IcureClient,
    private readonly ctx: RequestContext,
    private readonly reader: SourceReader,
  ) {}

  validate(write: WriteInput): Promise<UserErrorRecord[]> {
    return validateWrite(write);
  }

  createUser(input: CreateUserInput): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      const id = randomUUID();
      const duplicateFields: DuplicateFields = { Login: input.username != null ? 'input.username' : 'input.email', Email: 'input.email', Phone: 'input.phone' };
      const created = await this.client.createUser(buildCreateDto(id, input), { ctx: this.ctx, rec, duplicateFields });
      // Prefer the vendor's answer; read back only when it gave nothing usable.
      const dto = created ?? (await this.client.getUser(id, { ctx: this.ctx, rec }));
      if (!dto) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId);
      return this.remember(dto);
    });
  }

  updateUser(nativeId: string, input: UpdateUserInput): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec) => this.modify(nativeId, rec, (doc) => applyUpdate(doc, input)));
  }

  setUserActive(nativeId: string, active: boolean): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec) => this.modify(nativeId, rec, (doc) => applyActive(doc, active)));
  }

  assignUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec) => this.modify(nativeId, rec, (doc) => applyAddRole(doc, userTypeId)));
  }

  removeUserType(nativeId: string, userTypeId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, (rec) => this.modify(nativeId, rec, (doc) => applyRemoveRole(doc, userTypeId)));
  }

  deleteUser(nativeId: string): Promise<WriteOutcome> {
    return runWrite(this.sourceId, async (rec) => {
      await this.client.deleteUser(nativeId, { ctx: this.ctx, rec });
      this.forget(nativeId, true);
      return null;
    });
  }

  /**
   * Read, change, PUT with the rev just read. `change` returns null when the document already says
   * what the caller wants: then nothing is written (assigning a held role is a no-op, not a PUT).
   */
  private async modify(nativeId: string, rec: WriteRecorder, change: (doc: UserDto) => UserDto | null): Promise<UserRecord> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.client.getUser(nativeId, { ctx: this.ctx, rec });
      // A soft-deleted user is absent for the gateway, so it cannot be changed either.
      if (!current || isDeleted(current)) {
        this.forget(nativeId, true);
        throw notFound(this.sourceId);
      }
      const next = change(current);
      if (!next) return this.remember(current);
      const result = await this.client.modifyUser(next, { ctx: this.ctx, rec, duplicateFields: UPDATE_DUPLICATES });
      if (result.kind === 'saved') {
        const saved = result.user ?? (await this.client.getUser(nativeId, { ctx: this.ctx, rec }));
        if (!saved) throw notFound(this.sourceId);
        return this.remember(saved);
      }
      // Stale rev: another writer got in between our GET and PUT. One fresh read and retry, then give up.
      if (attempt >= 2) {
        this.forget(nativeId, false);
        throw new SourceError('CONFLICT', this.sourceId, 'The iCure user was changed by someone else at the same time; read it again and retry.', { status: 409 });
      }
    }
  }

  /** Read-after-write in the same request: the reader answers with the user as written (reader.written). */
  private remember(dto: UserDto): UserRecord {
    const user = toUserRecord(this.sourceId, dto);
    this.reader.written(dto.id, isDeleted(dto) ? { kind: 'deleted' } : { kind: 'saved', user });
    return user;
  }

  /** `gone`: the user no longer exists for the gateway; otherwise its state is unknown (forgotten). */
  private forget(nativeId: string, gone: boolean): void {
    this.reader.written(nativeId, { kind: gone ? 'deleted' : 'unknown' });
  }
}
