import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../service/request-scope';
import { auditStringOrNull } from '../service/audit/sanitize';
import { eventOrigin } from '../service/write-attempt';

/** At most this many user ids in one access event (a page is at most maxFirst users per field). */
const MAX_IDS = 1_000;

/**
 * `audit.reads: true` (docs/store-and-audit.md): one access event per request that returned users, listing
 * their global ids — who looked at whose record, for the security office. Written before the
 * response is sent, so a read is on record once the caller has the data.
 */
export function auditReadsPlugin(): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue: scope, operationName }) {
          if (scope.returnedUsers.size === 0) return;
          await scope.audit.access({
            id: randomUUID(),
            at: new Date(),
            ...eventOrigin(scope),
            action: 'read',
            sourceId: null,
            target: { id: null, nativeId: auditStringOrNull(operationName ?? null) },
            changedFields: [],
            outcome: 'SUCCESS',
            errorCode: null,
            steps: [],
            replayed: false,
            userIds: [...scope.returnedUsers].slice(0, MAX_IDS),
          });
        },
      };
    },
  };
}
