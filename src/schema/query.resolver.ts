import { Arg, Args, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { decodeId, encodeId } from '../core/ids';
import type { UserFilter as FilterRecord, UserRecord } from '../core/model';
import type { RequestScope } from '../service/request-scope';
import { readUsers } from '../service/read-users';
import { readChanges } from '../service/mirror/changes';
import { UserChangeConnection, UserChangesArgs } from './changes.types';
import { Node } from './node.interface';
import { User } from './user.type';
import { Facility, UserType } from './catalog.type';
import { Source } from './source.type';
import { UserConnection } from './user-connection.type';
import { UsersArgs } from './users.args';
import { presentFacility, presentSource, presentUser, presentUserType, type Presented } from './present';
import { pageNodeFields, selects } from './selection';
import { visible } from './people.resolver';

/** The read entry points. Thin: each asks the request's readers and presents the records. */
/** A users edge; its cursor is read (and so encoded) only when the query selects it. */
class PresentedEdge {
  constructor(
    private readonly edge: { readonly cursor: string },
    readonly node: Presented<UserRecord>,
  ) {}
  get cursor(): string {
    return this.edge.cursor;
  }
}

@Resolver()
export class QueryResolver {
  @Query(() => Node, { nullable: true, description: 'Any User, UserType, Facility or Person by global id.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    const { type, sourceId, nativeId } = decodeId(id);
    if (type === 'Person') return ctx.people ? visible(ctx, await ctx.people.byAnchor(nativeId)) : null;
    // A source outside the caller's grant answers like a missing record (docs/callers-and-limits.md).
    if (!ctx.findConnector(sourceId)) return null;
    const reader = ctx.reader(sourceId);
    if (type === 'User') return returned(ctx, nullable(await reader.user(nativeId), presentUser));
    if (type === 'UserType') return nullable(await reader.userType(nativeId), presentUserType);
    return nullable(await reader.facility(nativeId), presentFacility);
  }

  @Query(() => User, { nullable: true, description: 'One user by global id; null when the source has no such user.' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    const { sourceId, nativeId } = decodeId(id, 'id', 'User');
    if (!ctx.findConnector(sourceId)) return null;
    return returned(ctx, nullable(await ctx.reader(sourceId).user(nativeId), presentUser));
  }

  @Query(() => UserConnection, { description: 'Users across sources in configured order (or orderBy, over the mirror). A failing source is listed in sourceErrors; the others still answer.' })
  async users(@Args(() => UsersArgs) args: UsersArgs, @Ctx() ctx: RequestScope, @Info() info: GraphQLResolveInfo) {
    const result = await readUsers(ctx, {
      filter: toFilterRecord(args.filter),
      sources: args.sources ?? null,
      first: args.first,
      after: args.after ?? null,
      include: { userTypes: selects(info, 'userTypes'), facilityAccess: selects(info, 'facilityAccess') },
      asked: askedOfEveryUser(info),
      consistency: args.consistency,
      maxAgeSeconds: args.maxAgeSeconds ?? null,
      orderBy: args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction } : null,
    });
    const edges = result.edges.map((e) => new PresentedEdge(e, presentUser(e.node)));
    for (const e of edges) ctx.returnedUsers.add(e.node.id);
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.endCursor },
      sourceErrors: result.sourceErrors,
      totalCount: result.totalCount,
    };
  }

  @Query(() => UserChangeConnection, { description: 'The change feed: account changes found by mirror refreshes and made by gateway writes, oldest first, resumable from endCursor.' })
  async userChanges(@Args(() => UserChangesArgs) args: UserChangesArgs, @Ctx() ctx: RequestScope) {
    const page = await readChanges(ctx, { since: args.since ?? null, sources: args.sources ?? null, first: args.first });
    return {
      nodes: page.nodes.map((c) => {
        const user = c.user ? presentUser(c.user) : null;
        if (user) ctx.returnedUsers.add(user.id);
        return { kind: c.kind, at: c.at, userId: encodeId('User', c.sourceId, c.nativeId), source: presentSource(ctx.connector(c.sourceId)), user, changedFields: c.changedFields, origin: c.origin };
      }),
      endCursor: page.endCursor,
      hasMore: page.hasMore,
    };
  }

  @Query(() => [Source], { description: 'The sources this caller may see, in configured order.' })
  sources(@Ctx() ctx: RequestScope) {
    return ctx.visibleConnectors().map(presentSource);
  }

  @Query(() => [UserType], { nullable: true, description: "A source's user-type catalog; UNSUPPORTED_BY_VENDOR where the vendor has none. Null (with the error at its path) when the source fails, so other root fields still answer." })
  async userTypes(@Arg('source', () => ID) source: string, @Ctx() ctx: RequestScope) {
    ctx.connector(source);
    return (await ctx.reader(source).userTypes()).map(presentUserType);
  }

  @Query(() => [Facility], { nullable: true, description: "A source's facility catalog; UNSUPPORTED_BY_VENDOR where the vendor has none. Null (with the error at its path) when the source fails, so other root fields still answer." })
  async facilities(@Arg('source', () => ID) source: string, @Ctx() ctx: RequestScope) {
    ctx.connector(source);
    return (await ctx.reader(source).facilities()).map(presentFacility);
  }
}

/** Notes a returned user for the `audit.reads` access event. */
function returned<T extends { id: string } | null>(ctx: RequestScope, user: T): T {
  if (user) ctx.returnedUsers.add(user.id);
  return user;
}

function nullable<T, R>(value: T | null, present: (v: T) => R): R | null {
  return value === null ? null : present(value);
}

function toFilterRecord(f: UsersArgs['filter']): FilterRecord {
  if (!f) return {};
  return {
    active: f.active ?? null,
    status: (f.status as FilterRecord['status']) ?? null,
    email: f.email ?? null,
    username: f.username ?? null,
    firstName: f.firstName ?? null,
    lastName: f.lastName ?? null,
    externalId: f.externalId ?? null,
  };
}

/** The relations asked of every user on a `users` page: the walk starts their per-user calls early. */
function askedOfEveryUser(info: GraphQLResolveInfo): { userTypes: boolean; facilityAccess: boolean } {
  const fields = pageNodeFields(info);
  return { userTypes: fields.has('userTypes'), facilityAccess: fields.has('facilityAccess') };
}
