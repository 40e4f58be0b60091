import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { UserRecord, UserTypeRecord, FacilityRecord } from '../core/model';
import type { GatewayContext } from '../gateway/context';
import { User } from './user.type';
import { Facility, FacilityAccess, UserType } from './catalog.type';
import { Source, SourceCapabilities, SourceHealth } from './source.type';
import { presentAccess, presentCapabilities, presentSource, presentUserType } from './present';

/**
 * Relations go through the request's reader, whose DataLoaders batch and deduplicate them (never
 * N+1 upstream). Vendor-backed lists are nullable: one vendor's failure nulls that field only.
 */
@Resolver(() => User)
export class UserRelationsResolver {
  @FieldResolver(() => Source)
  source(@Root() user: UserRecord, @Ctx() ctx: GatewayContext) {
    return presentSource(ctx.connector(user.sourceId));
  }

  @FieldResolver(() => [UserType], { nullable: true, description: 'Null (with an error) when the source failed to answer.' })
  async userTypes(@Root() user: UserRecord, @Ctx() ctx: GatewayContext) {
    return (await ctx.reader(user.sourceId).userTypesOf(user)).map(presentUserType);
  }

  @FieldResolver(() => [FacilityAccess], { nullable: true, description: 'Null (with an error) when the source failed to answer.' })
  async facilityAccess(@Root() user: UserRecord, @Ctx() ctx: GatewayContext) {
    return (await ctx.reader(user.sourceId).facilityAccessOf(user)).map(presentAccess);
  }
}

@Resolver(() => UserType)
export class UserTypeRelationsResolver {
  @FieldResolver(() => Source)
  source(@Root() t: UserTypeRecord, @Ctx() ctx: GatewayContext) {
    return presentSource(ctx.connector(t.sourceId));
  }
}

@Resolver(() => Facility)
export class FacilityRelationsResolver {
  @FieldResolver(() => Source)
  source(@Root() f: FacilityRecord, @Ctx() ctx: GatewayContext) {
    return presentSource(ctx.connector(f.sourceId));
  }
}

@Resolver(() => Source)
export class SourceResolver {
  @FieldResolver(() => SourceCapabilities)
  capabilities(@Root() source: { id: string }, @Ctx() ctx: GatewayContext) {
    return presentCapabilities(ctx.connector(source.id));
  }

  @FieldResolver(() => SourceHealth, { description: 'A live check: one cheap vendor call, reused by every request for 5 seconds.' })
  health(@Root() source: { id: string }, @Ctx() ctx: GatewayContext) {
    return ctx.sourceHealth(source.id);
  }
}
