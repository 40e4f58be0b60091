import { createHash } from 'node:crypto';
import type { Connector, SourceReader, WriteOperation } from '../core/connector';
import { SourceError, isSourceError } from '../core/errors';
import { decodeId } from '../core/ids';
import type { UserErrorRecord, WriteInput, WriteOutcome } from '../core/writes';
import type { UserRecord } from '../core/model';
import type { RequestScope } from './request-scope';
import { fingerprint } from './idempotency';
import { refused, type PayloadRecord } from './payload';
import { attemptEvent, logAttempt, newAttempt, type WriteAttempt } from './write-attempt';
import { AuditUnavailable } from './audit/audit-trail';

/** One account-changing attempt as a mutation resolver describes it; global ids are still encoded. */
export interface WriteRequest {
  op: WriteOperation;
  /** Where the write goes: a source (createUser) or an existing user's global id, with the argument's name. */
  target: { sourceId: string; field: string } | { userId: string; field: string };
  /** The vendor-neutral write, given the target; throws SourceError BAD_USER_INPUT for a bad id in the arguments. */
  build(sourceId: string, nativeId: string): WriteInput;
  idempotencyKey: string | null;
  /** The arguments that define "the same request" for idempotency. */
  fingerprintInput: unknown;
  /** Names (never values) of the fields the write sets, for the audit trail. */
  changedFields: string[];
}

/** Codes that mean the vendor certainly did not apply anything, so a retry with the same key may try again. */
const NOTHING_HAPPENED = new Set(['AUDIT_UNAVAILABLE', 'BAD_USER_INPUT', 'UNSUPPORTED_BY_VENDOR', 'NOT_FOUND', 'CONFLICT', 'SOURCE_UNAVAILABLE', 'SOURCE_TIMEOUT', 'SOURCE_RATE_LIMITED', 'SOURCE_AUTH_FAILED', 'SOURCE_BAD_RESPONSE']);

/**
 * Every mutation goes through here. Checks run in this order, so that nothing reaches a vendor
 * unless the caller may make the change and it can succeed there:
 *   1. the caller holds `users:write` (else FORBIDDEN, no call);
 *   2. the target id decodes and its source exists for this caller (else NOT_FOUND: a source outside
 *      the caller's grant is answered exactly like an unknown one);
 *   3. the vendor supports the operation (else UNSUPPORTED_BY_VENDOR naming the alternative, no call);
 *   4. the other ids in the arguments decode and belong to that source, and the vendor's input rules pass;
 *   5. idempotency: a known key of this caller with the same input replays the stored payload (no call);
 *   6. the PENDING audit row (else AUDIT_UNAVAILABLE, no call), the service-account guard, then the
 *      vendor calls, each reported as a step.
 * Whatever happens, the attempt leaves through `finish` — the one exit (docs/write-pipeline.md).
 */
export async function performWrite(scope: RequestScope, req: WriteRequest): Promise<PayloadRecord> {
  const attempt = newAttempt(req.op, req.changedFields);
  let payload: PayloadRecord;
  try {
    payload = await decide(scope, req, attempt);
  } catch (err) {
    // Anything thrown here is a defect; the attempt is still recorded, then the error is masked upstream.
    await finish(scope, attempt, refused([{ field: null, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error.' }]));
    throw err;
  }
  return finish(scope, attempt, payload);
}

/**
 * The single exit of the write pipeline: every attempt, refused, replayed or sent, leaves exactly
 * one audit event here — its PENDING row completed, or the whole event written at once.
 */
async function finish(scope: RequestScope, attempt: WriteAttempt, payload: PayloadRecord): Promise<PayloadRecord> {
  const event = attemptEvent(scope, attempt, payload);
  await scope.audit.settle(event, attempt.begun);
  logAttempt(scope, event, event.steps.length);
  return payload;
}

/** The PENDING row goes in before the first vendor call; when the store cannot take it, nothing is sent. */
async function begin(scope: RequestScope, attempt: WriteAttempt): Promise<boolean> {
  try {
    await scope.audit.begin(attemptEvent(scope, attempt, null));
    attempt.begun = true;
    return true;
  } catch (err) {
    if (err instanceof AuditUnavailable) return false;
    throw err;
  }
}

/** What checks 1–4 leave for the write: everything it needs, or the refusal. */
type Prepared =
  | { refusal: PayloadRecord }
  | { refusal: null; connector: Connector; sourceId: string; nativeId: string; write: WriteInput; reader: SourceReader; writer: ReturnType<Connector['writer']> };

/**
 * Checks 1–4 of a write without sending or recording anything: the problems the write would be
 * refused with, or none. A job that writes several sources (provisionPerson) runs this for every
 * source before the first call, so that nothing is sent when any source's input is invalid.
 */
export async function precheck(scope: RequestScope, req: WriteRequest): Promise<UserErrorRecord[]> {
  const prepared = await prepare(scope, req, newAttempt(req.op, req.changedFields));
  return prepared.refusal ? prepared.refusal.userErrors : [];
}

async function decide(scope: RequestScope, req: WriteRequest, attempt: WriteAttempt): Promise<PayloadRecord> {
  const prepared = await prepare(scope, req, attempt);
  if (prepared.refusal) return prepared.refusal;
  return send(scope, req, attempt, prepared);
}

async function prepare(scope: RequestScope, req: WriteRequest, attempt: WriteAttempt): Promise<Prepared> {
  const no = (refusal: PayloadRecord): Prepared => ({ refusal });
  // The target is read first so that even a denied attempt names whose account it was aimed at
  // (when the caller may see that source); the answer still depends on the scope first.
  let target: { sourceId: string; nativeId: string } | null = null;
  let targetError: unknown = null;
  try {
    target = 'sourceId' in req.target ? { sourceId: req.target.sourceId, nativeId: '' } : decodeId(req.target.userId, req.target.field, 'User');
  } catch (err) {
    targetError = err;
  }
  const connector = target ? scope.findConnector(target.sourceId) : undefined;
  if (target && connector) {
    attempt.sourceId = target.sourceId;
    attempt.nativeId = target.nativeId || null;
  }
  if (!scope.may('users:write')) return no(refused([{ field: null, code: 'FORBIDDEN', message: 'This operation needs the users:write scope.' }]));
  if (!target) return no(fromError(targetError));
  if (!connector) return no(refused([{ field: req.target.field, code: 'NOT_FOUND', message: 'No source with this id is configured.' }]));
  const { sourceId, nativeId } = target;

  const capability = connector.capabilities.writes[req.op];
  if (!capability.supported) {
    return no(refused([{ field: null, code: 'UNSUPPORTED_BY_VENDOR', message: `${req.op} is not supported by ${connector.vendor} (source "${sourceId}"). ${capability.alternative}` }]));
  }
  let write: WriteInput;
  try {
    write = req.build(sourceId, nativeId);
  } catch (err) {
    return no(fromError(err));
  }
  const reader = scope.reader(sourceId);
  const writer = connector.writer(scope.request, reader);
  const problems = await writer.validate(write);
  if (problems.length) return no(refused(problems));
  return { refusal: null, connector, sourceId, nativeId, write, reader, writer };
}

async function send(scope: RequestScope, req: WriteRequest, attempt: WriteAttempt, p: Extract<Prepared, { refusal: null }>): Promise<PayloadRecord> {
  const { connector, sourceId, nativeId, write, reader, writer } = p;

  const execute = async (): Promise<{ value: PayloadRecord; keep: boolean }> => {
    if (!(await begin(scope, attempt))) {
      return { value: refused([{ field: null, code: 'AUDIT_UNAVAILABLE', message: 'The audit trail cannot record this change right now, so it was not sent. Try again later.' }]), keep: false };
    }
    const lockout = await guardServiceAccount(connector, scope, write, reader);
    if (lockout) return { value: refused([lockout]), keep: false };
    const outcome = await call(writer, write, sourceId);
    if (outcome.userErrors.length === 0) await syncMirror(scope, sourceId, write.op === 'deleteUser' ? nativeId : null, outcome.user, reader);
    const value: PayloadRecord = {
      user: outcome.user,
      deletedUserId: write.op === 'deleteUser' && outcome.userErrors.length === 0 && 'userId' in req.target ? req.target.userId : null,
      userErrors: outcome.userErrors,
      steps: outcome.steps,
      replayed: false,
    };
    const keep = outcome.userErrors.length === 0 || outcome.steps.some((s) => s.ok) || outcome.userErrors.some((e) => !NOTHING_HAPPENED.has(e.code));
    return { value, keep };
  };

  if (!req.idempotencyKey) return (await execute()).value;
  // Keys are the caller's own (docs/callers-and-limits.md): another caller's key never replays.
  // Stored as a digest: bounded, and free of whatever characters a key or a token's `sub` holds.
  const key = createHash('sha256').update(JSON.stringify([scope.caller.kind, scope.caller.id, sourceId, req.idempotencyKey])).digest('hex');
  const result = await scope.idempotency.run(key, fingerprint(req.op, req.fingerprintInput), execute, scope.request.deadlineAt);
  if ('inFlight' in result) {
    return refused([{ field: 'idempotencyKey', code: 'CONFLICT', message: 'A request with this idempotencyKey is still running; retry later to get its result.' }]);
  }
  if ('conflict' in result) {
    return refused([{ field: 'idempotencyKey', code: 'CONFLICT', message: 'idempotencyKey was already used with a different operation or input.' }]);
  }
  return { ...result.value, replayed: result.replayed };
}

/** Id decoding problems (malformed, wrong type, other source) are user errors of the payload. */
function fromError(err: unknown): PayloadRecord {
  if (isSourceError(err)) return refused([{ field: err.details.field ?? null, code: err.code, message: err.message }]);
  throw err;
}

/**
 * Refuses writes that would lock the gateway out of a source: deactivating, deleting or changing
 * the password of the account the gateway signs in with (an off-boarding job run over "everyone"
 * would otherwise cut every later request off). Nothing is sent to the vendor.
 */
async function guardServiceAccount(connector: Connector, scope: RequestScope, write: WriteInput, reader: SourceReader): Promise<UserErrorRecord | null> {
  const risky =
    (write.op === 'setUserActive' && !write.active) || write.op === 'deleteUser' || (write.op === 'updateUser' && write.input.password != null);
  if (!risky || !connector.isServiceAccount) return null;
  try {
    if (!(await connector.isServiceAccount(write.nativeId, scope.request, reader))) return null;
  } catch (err) {
    return { field: null, code: isSourceError(err) ? err.code : 'INTERNAL_SERVER_ERROR', message: isSourceError(err) ? err.message : 'Internal server error.' };
  }
  return {
    field: write.op === 'updateUser' ? 'input.password' : 'id',
    code: 'CONFLICT',
    message: `This is the account staffgraph uses to reach source "${connector.sourceId}"; ${write.op} on it would lock the gateway out. Change the source's credentials first.`,
  };
}

async function call(writer: ReturnType<Connector['writer']>, w: WriteInput, sourceId: string): Promise<WriteOutcome> {
  const missing = (): never => {
    throw new SourceError('INTERNAL_SERVER_ERROR', sourceId);
  };
  // Methods are called on the writer (never detached), so writer classes keep their `this`.
  try {
    switch (w.op) {
      case 'createUser':
        return writer.createUser ? await writer.createUser(w.input) : missing();
      case 'updateUser':
        return writer.updateUser ? await writer.updateUser(w.nativeId, w.input) : missing();
      case 'setUserActive':
        return writer.setUserActive ? await writer.setUserActive(w.nativeId, w.active) : missing();
      case 'deleteUser':
        return writer.deleteUser ? await writer.deleteUser(w.nativeId) : missing();
      case 'assignUserType':
        return writer.assignUserType ? await writer.assignUserType(w.nativeId, w.userTypeId) : missing();
      case 'removeUserType':
        return writer.removeUserType ? await writer.removeUserType(w.nativeId, w.userTypeId) : missing();
      case 'grantFacilityAccess':
        return writer.grantFacilityAccess ? await writer.grantFacilityAccess(w.nativeId, w.facilityId, w.primary) : missing();
      case 'updateFacilityAccess':
        return writer.updateFacilityAccess ? await writer.updateFacilityAccess(w.nativeId, w.facilityId, w.primary) : missing();
      case 'revokeFacilityAccess':
        return writer.revokeFacilityAccess ? await writer.revokeFacilityAccess(w.nativeId, w.facilityId) : missing();
    }
  } catch (err) {
    // Writers report vendor failures as outcomes; anything thrown is a defect, masked but reported.
    const code = isSourceError(err) ? err.code : 'INTERNAL_SERVER_ERROR';
    return { user: null, userErrors: [{ field: null, code, message: isSourceError(err) ? err.message : 'Internal server error.' }], steps: [] };
  }
}

/**
 * A write through the gateway updates the source's mirror in the same request (docs/mirror.md):
 * the user as the writer returned it, with its relations read through this request's reader
 * (whose cache the writer has just updated), or its removal after a delete. A mirror that cannot
 * follow is logged, never turned into a failed write: the vendor has the change, and the next
 * refresh brings the copy in line.
 */
async function syncMirror(scope: RequestScope, sourceId: string, deletedNativeId: string | null, user: UserRecord | null, reader: SourceReader): Promise<void> {
  const mirror = scope.mirror;
  if (!mirror?.enabled(sourceId)) return;
  try {
    if (deletedNativeId !== null) return await mirror.written(sourceId, deletedNativeId, null);
    if (!user) return;
    const [userTypes, facilityAccess] = await Promise.all([reader.userTypesOf(user), reader.facilityAccessOf(user)]);
    await mirror.written(sourceId, user.nativeId, { user, userTypes, facilityAccess, syncedAt: new Date() });
  } catch (err) {
    scope.logger.warn('mirror_write_sync_failed', { requestId: scope.request.requestId, source: sourceId, code: isSourceError(err) ? err.code : 'INTERNAL_SERVER_ERROR' });
  }
}
