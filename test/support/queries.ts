import type { GqlResponse, Stack } from './stack';

interface Connection {
  edges: Array<{ cursor: string; node: WalkedUser }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const USER_FIELDS = `id nativeId username displayName firstName middleInitial lastName email phone title status active
  createdAt updatedAt lastLoginAt allFacilities source { id vendor }
  identifiers { npi dea employeeNumber providerNumber externalId healthcarePartyId }`;

export interface WalkedUser {
  id: string;
  nativeId: string;
  username: string | null;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  status: string;
  active: boolean;
  source: { id: string; vendor: string };
  identifiers: Record<string, string | null>;
  [k: string]: unknown;
}

/** Walks `users` to the end with the given page size; fails on any GraphQL error. */
export async function walkAll(stack: Stack, args: { first: number; filter?: Record<string, unknown>; sources?: string[] }): Promise<{ users: WalkedUser[]; pages: number }> {
  const users: WalkedUser[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const res: GqlResponse<{ users: Connection }> = await stack.gql<{ users: Connection }>(
      `query($first: Int!, $after: String, $filter: UserFilter, $sources: [ID!]) {
        users(first: $first, after: $after, filter: $filter, sources: $sources) {
          edges { cursor node { ${USER_FIELDS} } }
          pageInfo { hasNextPage endCursor }
          sourceErrors { source code }
        } }`,
      { first: args.first, after, filter: args.filter ?? null, sources: args.sources ?? null },
    );
    if (res.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}`);
    const conn: Connection = res.body.data!.users;
    pages++;
    users.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
    if (pages > 500) throw new Error('pagination does not end');
  }
  return { users, pages };
}
