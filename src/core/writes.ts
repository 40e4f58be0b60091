import type { ErrorCode } from './errors';
import { SourceError, defaultMessage } from './errors';
import type { UserRecord } from './model';

/**
 * The write side of the connector contract (docs/architecture.md §4). The core checks
 * `capabilities.writes[op].supported` and runs `validate` *before* calling a writer method, so a
 * writer method is only ever called for a supported operation with input that passed validation.
 */

/** One vendor call made by a mutation, reported to the caller (no secrets, route template only). */
export interface WriteStep {
  method: string;
  /** Route template, e.g. "/ws/users/{username}/types/". */
  route: string;
  /** HTTP status, null when no response came back. */
  status: number | null;
  ok: boolean;
}

export interface UserErrorRecord {
  /** Input field path, e.g. "input.password"; null when the error is not about one field. */
  field: string | null;
  code: ErrorCode;
  message: string;
}

export interface WriteOutcome {
  /**
   * The user after the write: null after a delete and when a write failed before a user existed;
   * after a half-done multi-call write, the user as the vendor holds it (see WriteRecorder.partial).
   */
  user: UserRecord | null;
  userErrors: UserErrorRecord[];
  steps: WriteStep[];
}

/** Unified create input. Ids are *native* ids (the core decodes global ids and checks the source). */
export interface CreateUserInput {
  username?: string | null;
  /** Write-only. Never logged, never returned. */
  password?: string | null;
  firstName?: string | null;
  middleInitial?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  active?: boolean | null;
  employeeNumber?: string | null;
  npi?: string | null;
  dea?: string | null;
  externalId?: string | null;
  /** Write-only (CorEMR ssn, 9 digits). Never logged, never returned. */
  ssn?: string | null;
  /** Write-only NFC tag id (PresentationServices). */
  tagId?: string | null;
  userTypeIds?: string[] | null;
  facilityIds?: string[] | null;
  /** Must be one of facilityIds when both are given. */
  primaryFacilityId?: string | null;
}

/** Patch semantics: an absent (undefined) field stays as it is; null clears it where the vendor allows. */
export type UpdateUserInput = Omit<CreateUserInput, 'username' | 'userTypeIds' | 'facilityIds' | 'primaryFacilityId'>;

export type WriteInput =
  | { op: 'createUser'; input: CreateUserInput }
  | { op: 'updateUser'; nativeId: string; input: UpdateUserInput }
  | { op: 'setUserActive'; nativeId: string; active: boolean }
  | { op: 'deleteUser'; nativeId: string }
  | { op: 'assignUserType'; nativeId: string; userTypeId: string }
  | { op: 'removeUserType'; nativeId: string; userTypeId: string }
  | { op: 'grantFacilityAccess'; nativeId: string; facilityId: string; primary: boolean }
  | { op: 'updateFacilityAccess'; nativeId: string; facilityId: string; primary: boolean }
  | { op: 'revokeFacilityAccess'; nativeId: string; facilityId: string };

/**
 * What a write did to one user, told by a source's writer to the reader of the same request
 * (`SourceReader.written`), so reads later in that request see the write (docs/kit.md,
 * "writer → reader"). One vocabulary for every vendor:
 *  - saved: the user as the vendor holds it after the write (its answer, or a read-back);
 *  - deleted: the user no longer exists for the gateway;
 *  - unknown: the write may have changed the user but its state is not known (a multi-call write
 *    failed half-way): forget what is cached;
 *  - relations: its user types or facility access changed; `facilityIds` names the facilities
 *    whose access lists changed, for readers that cache access per facility.
 */
export type UserChange =
  | { kind: 'saved'; user: UserRecord }
  | { kind: 'deleted' }
  | { kind: 'unknown' }
  | { kind: 'relations'; facilityIds?: string[] };

export interface SourceWriter {
  /**
   * The vendor's own input rules (class-validator classes in the vendor folder): required fields,
   * lengths, password strength, allowed values, path safety of ids. Pure: no I/O. Each error names
   * the input field ("input.password") and the rule, and never echoes the rejected value.
   */
  validate(write: WriteInput): Promise<UserErrorRecord[]>;
  createUser?(input: CreateUserInput): Promise<WriteOutcome>;
  updateUser?(nativeId: string, input: UpdateUserInput): Promise<WriteOutcome>;
  setUserActive?(nativeId: string, active: boolean): Promise<WriteOutcome>;
  deleteUser?(nativeId: string): Promise<WriteOutcome>;
  assignUserType?(nativeId: string, userTypeId: string): Promise<WriteOutcome>;
  removeUserType?(nativeId: string, userTypeId: string): Promise<WriteOutcome>;
  grantFacilityAccess?(nativeId: string, facilityId: string, primary: boolean): Promise<WriteOutcome>;
  updateFacilityAccess?(nativeId: string, facilityId: string, primary: boolean): Promise<WriteOutcome>;
  revokeFacilityAccess?(nativeId: string, facilityId: string): Promise<WriteOutcome>;
}

/** Collects the steps of one mutation. Pass it as `HttpRequest.recorder` and VendorHttp records each call. */
export class WriteRecorder {
  readonly steps: WriteStep[] = [];
  /** The user as the vendor has it so far, set by a multi-call write once the user exists there. */
  partialUser: UserRecord | null = null;
  record(step: WriteStep): void {
    this.steps.push(step);
  }
  /**
   * Marks that the vendor now holds this user (e.g. createUser's POST succeeded). If a later call of
   * the same write fails, the outcome still carries the user, so the caller learns its id.
   */
  partial(user: UserRecord): void {
    this.partialUser = user;
  }
}

/**
 * Runs a (possibly multi-call) write and turns its failure into a reported outcome instead of a
 * thrown error, so the caller learns which calls succeeded before one failed:
 *  - a SourceError becomes one userError with its code and field;
 *  - a non-GET call that may have reached the vendor but got no answer (timeout, reset) is reported
 *    as OUTCOME_UNKNOWN, never as a failure and never retried here.
 * `fn` returns the user as it is after the write (or null after a delete).
 */
export async function runWrite(sourceId: string, fn: (rec: WriteRecorder) => Promise<UserRecord | null>): Promise<WriteOutcome> {
  const rec = new WriteRecorder();
  try {
    const user = await fn(rec);
    return { user, userErrors: [], steps: rec.steps };
  } catch (err) {
    const e = err instanceof SourceError ? err : new SourceError('INTERNAL_SERVER_ERROR', sourceId);
    const last = rec.steps[rec.steps.length - 1];
    // No answer (status null) or a gateway timeout (504) to a write that was sent: it may have been applied.
    const unanswered = last !== undefined && last.method !== 'GET' && (last.status === null || last.status === 504);
    const unknown = e.details.requestSent === true && unanswered;
    const code: ErrorCode = unknown ? 'OUTCOME_UNKNOWN' : e.code;
    const message = unknown ? defaultMessage('OUTCOME_UNKNOWN') : e.message;
    return { user: rec.partialUser, userErrors: [{ field: e.details.field ?? null, code, message }], steps: rec.steps };
  }
}
