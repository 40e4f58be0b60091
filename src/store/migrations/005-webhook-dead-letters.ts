import type { Migration } from '../migrate';

/**
 * A change a webhook failed `maxAttempts` times is dead-lettered (docs/mirror.md, "Webhooks"): its
 * last attempt's row says so, and the webhook's cursor moves past it so the changes after it are
 * not held back for ever by a receiver that will never take it.
 */
export const migration: Migration = {
  version: 5,
  name: 'webhook-dead-letters',
  sql: [`ALTER TABLE webhook_deliveries ADD COLUMN dead_letter boolean NOT NULL DEFAULT false`],
};
