import type { UserRecord } from '../core/model';
import type { UserErrorRecord, WriteStep } from '../core/writes';

/** What every mutation answers (docs/architecture.md §4), before presentation (global ids are added in schema/). */
export interface PayloadRecord {
  user: UserRecord | null;
  deletedUserId: string | null;
  userErrors: UserErrorRecord[];
  steps: WriteStep[];
  replayed: boolean;
}

/** A payload for a write that was refused before any vendor call. */
export function refused(userErrors: UserErrorRecord[]): PayloadRecord {
  return { user: null, deletedUserId: null, userErrors, steps: [], replayed: false };
}
