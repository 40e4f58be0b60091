import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { FacilityAccessRecord, UserRecord, UserTypeRecord, FacilityRecord } from '../core/model';
import type { MaybePromise } from '../core/connector';
import type { RequestScope } from '../service/request-scope';
import { User } from './user.type';
import { Facility, FacilityAccess, UserType } from './catalog.type';
import { Source, SourceCapabilities, SourceHealth, SourceMirror } from './source.type';
import { DateTimeResolver } from 'graphql-scalars';
import { mirrorEntryOf } from '../service/mirror/snapshot';
import { UserPayload } from './mutation.types';
import { GraphQLError } from 'graphql';
import type { Presented } from './present';
import { presentAccess, presentCapabilities, presentSource, presentUserType } from './present';

/**
 * Relations go through the request's reader, whose DataLoaders batch and deduplicate them (never
 * N+1 upstream). Vendor-backed lists are nullable: one vendor's failure nulls that field only.
 */
/** `list.map(f)`, now or once the promise settles. */
function mapMaybe<T, U>(list: MaybePromise<T[]>, f: (x: T) => U): MaybePromise<U[]> {
  return list instanceof Promise ? list.then((xs) => xs.map(f)) : list.map(f);
}

@Resolver(() => User)
export class UserRelationsResolver {
  @FieldResolver(() => Source)
  source(@Root() user: UserRecord, @Ctx() ctx: RequestScope) {
    return presentSource(ctx.connector(user.sourceId));
  }

  @FieldResolver(() => [UserType], { nullable: true, description: 'Null (with an error) when the source failed to answer.' })
  userTypes(@Root() user: UserRecord, @Ctx() ctx: RequestScope) {
    // A user read from the mirror answers its relations from the same copy, with no vendor call.
    // Not `async`: an answer the reader has at hand goes back without a promise per user.
    const mirrored = mirrorEntryOf(user);
    if (mirrored) return mapMaybe(mirrored.userTypes, presentUserType);
    // The walk may have started it already (per-user calls, src/service/early-relations.ts).
    return mapMaybe(ctx.earlyRelations.take<UserTypeRecord[]>('userTypes', user) ?? ctx.reader(user.sourceId).userTypesOf(user), presentUserType);
  }

  @FieldResolver(() => [FacilityAccess], { nullable: true, description: 'Null (with an error) when the source failed to answer.' })
  facilityAccess(@Root() user: UserRecord, @Ctx() ctx: RequestScope) {
    const mirrored = mirrorEntryOf(user);
    if (mirrored) return mapMaybe(mirrored.facilityAccess, presentAccess);
    return mapMaybe(ctx.earlyRelations.take<FacilityAccessRecord[]>('facilityAccess', user) ?? ctx.reader(user.sourceId).facilityAccessOf(user), presentAccess);
  }

  @FieldResolver(() => DateTimeResolver, { nullable: true, description: 'When this copy was read from the vendor, for a user from the mirror (consistency: CACHED); null when read live just now.' })
  syncedAt(@Root() user: UserRecord) {
    return mirrorEntryOf(user)?.syncedAt ?? null;
  }
}

@Resolver(() => UserType)
export class UserTypeRelationsResolver {
  @FieldResolver(() => Source)
  source(@Root() t: UserTypeRecord, @Ctx() ctx: RequestScope) {
    return presentSource(ctx.connector(t.sourceId));
  }
}

@Resolver(() => Facility)
export class FacilityRelationsResolver {
  @FieldResolver(() => Source)
  source(@Root() f: FacilityRecord, @Ctx() ctx: RequestScope) {
    return presentSource(ctx.connector(f.sourceId));
  }
}

@Resolver(() => Source)
export class SourceResolver {
  @FieldResolver(() => SourceCapabilities)
  capabilities(@Root() source: { id: string }, @Ctx() ctx: RequestScope) {
    return presentCapabilities(ctx.connector(source.id));
  }

  @FieldResolver(() => SourceMirror, { description: "The source's mirror: whether there is one, its state, when it last synced, the last refresh error." })
  mirror(@Root() source: { id: string }, @Ctx() ctx: RequestScope) {
    const status = ctx.mirror?.status(source.id);
    return status ?? { enabled: false, state: 'DISABLED', lastSyncAt: null, lastError: null, users: null, refreshing: false };
  }

  @FieldResolver(() => SourceHealth, { description: 'A live check: one cheap vendor call, reused by every request for 5 seconds.' })
  health(@Root() source: { id: string }, @Ctx() ctx: RequestScope) {
    return ctx.sourceHealth(source.id);
  }
}

/**
 * A mutation payload's `user` is a user record like any other: reading it needs `users:read`
 * (a write-only service sees userErrors and steps, not the record), and its PII fields need
 * `users:pii` through the auth checker.
 */
@Resolver(() => UserPayload)
export class UserPayloadResolver {
  @FieldResolver(() => User, { nullable: true, description: 'The user after the change (null on failure and after delete). Needs users:read.' })
  user(@Root() payload: { user: Presented<UserRecord> | null }, @Ctx() ctx: RequestScope) {
    if (payload.user && !ctx.may('users:read')) {
      throw new GraphQLError('user needs the users:read scope.', { extensions: { code: 'FORBIDDEN', scope: 'users:read' } });
    }
    if (payload.user) ctx.returnedUsers.add(payload.user.id);
    return payload.user;
  }
}
