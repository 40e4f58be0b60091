import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { DateTimeResolver } from 'graphql-scalars';
import { User } from './user.type';
import { Source } from './source.type';

export const UserChangeKind = { CREATED: 'CREATED', UPDATED: 'UPDATED', DEACTIVATED: 'DEACTIVATED', REACTIVATED: 'REACTIVATED', DELETED: 'DELETED' } as const;
registerEnumType(UserChangeKind, { name: 'UserChangeKind' });

export const ChangeOrigin = { REFRESH: 'refresh', WRITE: 'write' } as const;
registerEnumType(ChangeOrigin, {
  name: 'ChangeOrigin',
  valuesConfig: { REFRESH: { description: 'Found by a mirror refresh (a change made at the vendor).' }, WRITE: { description: 'Made through this gateway.' } },
});

@ObjectType({ description: 'One change to one account, from a mirror refresh or a gateway write.' })
export class UserChange {
  @Field(() => UserChangeKind)
  kind!: string;
  @Field(() => DateTimeResolver)
  at!: Date;
  @Field(() => ID, { description: "The user's global id (also after a delete)." })
  userId!: string;
  @Field(() => Source)
  source!: Source;
  @Field(() => User, { nullable: true, description: "The mirror's current copy; null after a delete or when the source is not mirrored." })
  user!: User | null;
  @Field(() => [String], { description: 'Names of the unified fields that changed (UPDATED and the activation kinds); never values.' })
  changedFields!: string[];
  @Field(() => ChangeOrigin)
  origin!: string;
}

@ObjectType()
export class UserChangeConnection {
  @Field(() => [UserChange])
  nodes!: UserChange[];
  @Field(() => String, { nullable: true, description: 'Pass as `since` to continue after the last change here (the same `since` when there is nothing new).' })
  endCursor!: string | null;
  @Field(() => Boolean)
  hasMore!: boolean;
}

@ArgsType()
export class UserChangesArgs {
  @Field(() => String, { nullable: true, description: 'An endCursor from a previous userChanges; omitted: from the oldest change kept.' })
  @IsOptional()
  @MaxLength(512)
  since?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only these sources; default all the caller may see.' })
  @IsOptional()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  sources?: string[] | null;

  @Field(() => Int, { defaultValue: 100, description: 'Page size, 1–500.' })
  @Min(1)
  @Max(500)
  first!: number;
}
