import type { Migration } from '../migrate';

/**
 * The mirror (docs/mirror.md): per source, the users with their relations and the catalogs as last
 * read from the vendor, the refresh state, and the change feed. Records are stored as JSON text
 * (json, not jsonb: we never query into them, and json keeps a vendor string as written). The
 * in-process snapshot is what reads use; these rows are what survives a restart.
 */
export const migration: Migration = {
  version: 3,
  name: 'mirror',
  sql: [
    `CREATE TABLE mirror_users (
      source_id text NOT NULL,
      native_id text NOT NULL,
      record json NOT NULL,
      synced_at timestamptz NOT NULL,
      PRIMARY KEY (source_id, native_id)
    )`,
    `CREATE TABLE mirror_catalogs (
      source_id text PRIMARY KEY,
      user_types json NOT NULL,
      facilities json NOT NULL
    )`,
    `CREATE TABLE mirror_state (
      source_id text PRIMARY KEY,
      last_sync_at timestamptz,
      last_error text,
      last_attempt_at timestamptz
    )`,
    // The change feed: one row per change found by a refresh or made by a gateway write. `seq` is
    // the feed's order and its cursor.
    `CREATE TABLE user_changes (
      seq bigserial PRIMARY KEY,
      source_id text NOT NULL,
      native_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('CREATED', 'UPDATED', 'DEACTIVATED', 'REACTIVATED', 'DELETED')),
      at timestamptz NOT NULL DEFAULT now(),
      changed_fields json NOT NULL,
      origin text NOT NULL CHECK (origin IN ('refresh', 'write'))
    )`,
    `CREATE INDEX user_changes_source_seq ON user_changes (source_id, seq)`,
  ],
};
