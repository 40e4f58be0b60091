import { randomUUID } from 'node:crypto';
import type { UserErrorRecord } from '../../core/writes';
import type { RequestScope } from '../request-scope';
import { eventOrigin, logAttempt, outcomeOf } from '../write-attempt';
import { refused } from '../payload';

/**
 * A multi-source job refused before any write (provisionPerson with an invalid source input, or a
 * caller without users:write) is still one account-changing attempt: one audit event, with the
 * first problem's code, no source and no steps (nothing was sent).
 */
export async function auditRefusedJob(scope: RequestScope, action: string, problems: UserErrorRecord[]): Promise<void> {
  const { outcome, errorCode } = outcomeOf(refused(problems));
  const event = {
    id: randomUUID(),
    at: new Date(),
    ...eventOrigin(scope),
    action,
    sourceId: null,
    target: { id: null, nativeId: null },
    changedFields: [],
    outcome,
    errorCode,
    steps: [],
    replayed: false,
    userIds: [],
  };
  await scope.audit.settle(event, false);
  logAttempt(scope, event, 0);
}
