import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, parse, printSchema, type GraphQLSchema } from 'graphql';
import { createResolversMap } from 'type-graphql';
import { decodeId } from '../core/ids';
import { isSourceError } from '../core/errors';
import type { RequestScope } from '../service/request-scope';
import { buildGatewaySchema } from './build';
import { presentUser } from './present';

/**
 * `server.federation: true` (docs/federation.md): the same schema served as an Apollo Federation 2
 * subgraph. `User` is an entity keyed by its global id; the supergraph's router fetches users
 * through `_entities`, which resolves each reference with the request's reader (DataLoader-batched,
 * so a page of shifts needing 50 users costs what `users` would) and the same grants and scopes:
 * a user in a source the caller may not see resolves to null, like `user(id:)`.
 *
 * The SDL is the gateway's own, printed, with the federation link and the `@key` added; the
 * resolvers are type-graphql's, so both schemas answer alike field by field.
 */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n\n';

export async function buildFederatedSchema(vendorNames: readonly string[]): Promise<GraphQLSchema> {
  const schema = await buildGatewaySchema(vendorNames);
  // Sorted like schema/schema.graphql, so the checked-in subgraph SDL only changes when the schema does.
  const sdl = printSchema(lexicographicSortSchema(schema)).replace(/^type User implements Node \{/m, 'type User implements Node @key(fields: "id") {');
  if (!sdl.includes('@key(fields: "id")')) throw new Error('federation: the User type was not found in the schema');
  // PageInfo is the one value type another subgraph is likely to define as well.
  const typeDefs = parse(FEDERATION_LINK + sdl.replace(/^type PageInfo \{/m, 'type PageInfo @shareable {'));
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  resolvers.User = { ...resolvers.User, __resolveReference: resolveUserReference };
  return buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
}

async function resolveUserReference(ref: { id?: unknown }, ctx: RequestScope) {
  if (typeof ref.id !== 'string') return null;
  let decoded;
  try {
    decoded = decodeId(ref.id, 'id', 'User');
  } catch (err) {
    if (isSourceError(err)) return null; // not one of ours: unknown, as user(id:) would say for a missing one
    throw err;
  }
  // A source outside the caller's grant answers like a missing user (docs/callers-and-limits.md).
  if (!ctx.findConnector(decoded.sourceId)) return null;
  const user = await ctx.reader(decoded.sourceId).user(decoded.nativeId);
  if (!user) return null;
  ctx.returnedUsers.add(ref.id);
  return presentUser(user);
}

/** The subgraph SDL checked in as schema/subgraph.graphql (what a supergraph composes from). */
export function subgraphSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema) + '\n';
}
