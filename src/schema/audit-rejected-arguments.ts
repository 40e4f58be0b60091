import { auditRefusedJob } from '../service/people/job-audit';
import { ArgumentValidationError, type MiddlewareFn } from 'type-graphql';
import { SourceError } from '../core/errors';
import { WRITE_OPERATIONS, type WriteOperation } from '../core/connector';
import type { RequestScope } from '../service/request-scope';
import { performWrite } from '../service/write-pipeline';

/**
 * type-graphql validates a mutation's arguments (class-validator rules) before the resolver runs,
 * so an attempt with invalid input would never reach the write pipeline and would leave no audit
 * event. This middleware (around every mutation, outside the validation) sends such an attempt
 * through the pipeline with input that can only fail, so it is recorded like every other attempt —
 * DENIED without users:write, else FAILURE with BAD_USER_INPUT — and then rethrows the validation
 * error, which the client sees as before. No vendor is called: the pipeline fails it before.
 */
export const auditRejectedArguments: MiddlewareFn<RequestScope> = async ({ context, info, args }, next) => {
  try {
    return await next();
  } catch (err) {
    const op = info.fieldName as WriteOperation;
    if (err instanceof ArgumentValidationError && info.parentType.name === 'Mutation' && (WRITE_OPERATIONS as readonly string[]).includes(op)) {
      const a = args as { id?: unknown; userId?: unknown; input?: { source?: unknown } | null };
      const userId = typeof a.id === 'string' ? a.id : typeof a.userId === 'string' ? a.userId : null;
      const source = typeof a.input?.source === 'string' ? a.input.source : null;
      await performWrite(context, {
        op,
        target: op === 'createUser' ? { sourceId: source ?? '', field: 'input.source' } : { userId: userId ?? '', field: typeof a.id === 'string' ? 'id' : 'userId' },
        idempotencyKey: null,
        fingerprintInput: null,
        changedFields: a.input && typeof a.input === 'object' ? Object.keys(a.input).filter((k) => k !== 'source').sort() : [],
        build: () => {
          throw new SourceError('BAD_USER_INPUT', '', 'The arguments failed validation.');
        },
      });
    }
    if (err instanceof ArgumentValidationError && info.parentType.name === 'Mutation' && JOB_MUTATIONS.has(info.fieldName)) {
      const code = context.may('users:write') ? 'BAD_USER_INPUT' : 'FORBIDDEN';
      await auditRefusedJob(context, info.fieldName, [{ field: null, code, message: 'The arguments failed validation.' }]);
    }
    throw err;
  }
};

/** The people jobs: several accounts per call, audited as one refused attempt (src/service/people/job-audit.ts). */
const JOB_MUTATIONS = new Set(['provisionPerson', 'offboardPerson']);
