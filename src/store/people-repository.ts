import type { SqlClient } from './sql';

/** An operator's linking decisions (docs/people.md): a manual group, or "stands alone" (group null). */
export interface LinkDecisions {
  groups: Map<string, string>;
  alone: Set<string>;
}

export interface PeopleRepository {
  decisions(): Promise<LinkDecisions>;
  /** These accounts are one person: all of them join group `groupId` (replacing earlier decisions). */
  link(accountIds: readonly string[], groupId: string, decidedBy: string): Promise<void>;
  /** This account stands alone: no rule links it to anyone. */
  unlink(accountId: string, decidedBy: string): Promise<void>;
}

export function createPeopleRepository(sql: SqlClient): PeopleRepository {
  const upsert = `INSERT INTO person_links (account_id, group_id, decided_by, decided_at) VALUES ($1, $2, $3, now())
    ON CONFLICT (account_id) DO UPDATE SET group_id = EXCLUDED.group_id, decided_by = EXCLUDED.decided_by, decided_at = now()`;
  return {
    async decisions() {
      const rows = await sql.query<{ account_id: string; group_id: string | null }>(`SELECT account_id, group_id FROM person_links ORDER BY account_id`);
      const out: LinkDecisions = { groups: new Map(), alone: new Set() };
      for (const r of rows) {
        if (r.group_id === null) out.alone.add(r.account_id);
        else out.groups.set(r.account_id, r.group_id);
      }
      return out;
    },
    async link(accountIds, groupId, decidedBy) {
      await sql.transaction(async (tx) => {
        for (const id of accountIds) await tx.query(upsert, [id, groupId, decidedBy]);
      });
    },
    async unlink(accountId, decidedBy) {
      await sql.query(upsert, [accountId, null, decidedBy]);
    },
  };
}
