import type { Migration } from '../migrate';
import { migration as auditEvents } from './001-audit-events';
import { migration as idempotencyKeys } from './002-idempotency-keys';
import { migration as mirror } from './003-mirror';
import { migration as webhooks } from './004-webhooks';
import { migration as webhookDeadLetters } from './005-webhook-dead-letters';
import { migration as peopleAndJobs } from './006-people-and-jobs';
import { migration as jobOwners } from './007-job-owners';

/**
 * Every migration, in order. Forward-only: a released migration is never edited or removed;
 * a change to the schema is a new file with the next version, appended here.
 */
export const MIGRATIONS: readonly Migration[] = [auditEvents, idempotencyKeys, mirror, webhooks, webhookDeadLetters, peopleAndJobs, jobOwners];

/** The schema version this build runs against. */
export const LATEST_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1].version;
