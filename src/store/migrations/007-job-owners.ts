import type { Migration } from '../migrate';

/**
 * Several instances (docs/instances.md): a running job names the instance running it and when it
 * last said so. An instance that has not for a while is gone, and another running instance takes
 * the job over (resumes it) instead of waiting for a restart.
 */
export const migration: Migration = {
  version: 7,
  name: 'job-owners',
  sql: [`ALTER TABLE jobs ADD COLUMN owner text`, `ALTER TABLE jobs ADD COLUMN heartbeat_at timestamptz`],
};
