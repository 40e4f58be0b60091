import type { Migration } from '../migrate';

/**
 * People (docs/people.md): an operator's linking decisions, and the durable jobs that provision or
 * off-board one person across sources. A job keeps its caller (kind, id, name, scopes, sources:
 * what it may do when it resumes after a restart) and its input without write-only fields
 * (passwords, SSNs and tag ids are never stored). One row per account the job writes.
 */
export const migration: Migration = {
  version: 6,
  name: 'people-and-jobs',
  sql: [
    `CREATE TABLE person_links (
      account_id text PRIMARY KEY,
      group_id text,
      decided_by text NOT NULL,
      decided_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE jobs (
      id text PRIMARY KEY,
      kind text NOT NULL,
      state text NOT NULL,
      caller jsonb NOT NULL,
      input jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX jobs_unfinished ON jobs (state) WHERE state IN ('PENDING', 'RUNNING')`,
    `CREATE TABLE job_accounts (
      job_id text NOT NULL REFERENCES jobs (id),
      idx integer NOT NULL,
      source_id text NOT NULL,
      native_id text,
      outcome text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      user_errors jsonb NOT NULL DEFAULT '[]',
      steps jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, idx)
    )`,
  ],
};
