import type { WriteOperation } from '../core/connector';
import { SourceError, isSourceError } from '../core/errors';
import type { UserErrorRecord, WriteInput, WriteOutcome, WriteStep } from '../core/writes';
import type { UserRecord } from '../core/model';
import type { GatewayContext } from './context';
import type { Connector, SourceReader } from '../core/connector';
import { fingerprint } from './idempotency';

export interface PayloadRecord {
  user: UserRecord | null;
  deletedUserId: string | null;
  userErrors: UserErrorRecord[];
  steps: WriteStep[];
  replayed: boolean;
}

/** Codes that mean the vendor certainly did not apply anything, so a retry with the same key may try again. */
const NOTHING_HAPPENED = new Set(['BAD_USER_INPUT', 'UNSUPPORTED_BY_VENDOR', 'NOT_FOUND', 'CONFLICT', 'SOURCE_UNAVAILABLE', 'SOURCE_TIMEOUT', 'SOURCE_RATE_LIMITED', 'SOURCE_AUTH_FAILED', 'SOURCE_BAD_RESPONSE']);

/**
 * Every mutation goes through here, in this order, so that nothing reaches a vendor unless it can
 * succeed there:
 *   1. the source exists;                  2. the vendor supports the operation (else UNSUPPORTED_BY_VENDOR, no call);
 *   3. the vendor's input rules pass (else BAD_USER_INPUT, no call);
 *   4. idempotency: a known key with the same input replays the stored payload (no call);
 *   5. the vendor calls, with each step reported.
 */
export async function performWrite(
  gctx: GatewayContext,
  sourceId: string,
  write: WriteInput,
  options: { idempotencyKey?: string | null; fingerprintInput: unknown; deletedUserId?: string },
): Promise<PayloadRecord> {
  const connector = gctx.sources.get(sourceId);
  if (!connector) return failed([{ field: write.op === 'createUser' ? 'input.source' : 'id', code: 'NOT_FOUND', message: 'No source with this id is configured.' }]);
  const capability = connector.capabilities.writes[write.op as WriteOperation];
  if (!capability.supported) {
    return failed([{ field: null, code: 'UNSUPPORTED_BY_VENDOR', message: `${write.op} is not supported by ${connector.vendor} (source "${sourceId}"). ${capability.alternative}` }]);
  }
  const reader = gctx.reader(sourceId);
  const writer = connector.writer(gctx.request, reader);
  const problems = await writer.validate(write);
  if (problems.length) return failed(problems);
  const lockout = await guardServiceAccount(connector, gctx, write, reader);
  if (lockout) return failed([lockout]);

  const execute = async (): Promise<{ value: PayloadRecord; keep: boolean }> => {
    const outcome = await call(writer, write, sourceId);
    const value: PayloadRecord = {
      user: outcome.user,
      deletedUserId: write.op === 'deleteUser' && outcome.userErrors.length === 0 ? options.deletedUserId ?? null : null,
      userErrors: outcome.userErrors,
      steps: outcome.steps,
      replayed: false,
    };
    const keep = outcome.userErrors.length === 0 || outcome.steps.some((s) => s.ok) || outcome.userErrors.some((e) => !NOTHING_HAPPENED.has(e.code));
    return { value, keep };
  };

  if (!options.idempotencyKey) return (await execute()).value;
  const result = await gctx.idempotency.run(`${sourceId}\0${options.idempotencyKey}`, fingerprint(write.op, options.fingerprintInput), execute);
  if ('conflict' in result) {
    return failed([{ field: 'idempotencyKey', code: 'CONFLICT', message: 'idempotencyKey was already used with a different operation or input.' }]);
  }
  return { ...result.value, replayed: result.replayed };
}

/**
 * Refuses writes that would lock the gateway out of a source: deactivating, deleting or changing
 * the password of the account the gateway signs in with (an off-boarding job run over "everyone"
 * would otherwise cut every later request off). Nothing is sent to the vendor.
 */
async function guardServiceAccount(connector: Connector, gctx: GatewayContext, write: WriteInput, reader: SourceReader): Promise<UserErrorRecord | null> {
  const risky =
    (write.op === 'setUserActive' && !write.active) || write.op === 'deleteUser' || (write.op === 'updateUser' && write.input.password != null);
  if (!risky || !connector.isServiceAccount) return null;
  try {
    if (!(await connector.isServiceAccount(write.nativeId, gctx.request, reader))) return null;
  } catch (err) {
    return { field: null, code: isSourceError(err) ? err.code : 'INTERNAL_SERVER_ERROR', message: isSourceError(err) ? err.message : 'Internal server error.' };
  }
  return {
    field: write.op === 'updateUser' ? 'input.password' : 'id',
    code: 'CONFLICT',
    message: `This is the account staffgraph uses to reach source "${connector.sourceId}"; ${write.op} on it would lock the gateway out. Change the source's credentials first.`,
  };
}

function failed(userErrors: UserErrorRecord[]): PayloadRecord {
  return { user: null, deletedUserId: null, userErrors, steps: [], replayed: false };
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
