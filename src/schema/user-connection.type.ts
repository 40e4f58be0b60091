import { Field, ID, Int, ObjectType } from 'type-graphql';
import { User } from './user.type';

@ObjectType({ simpleResolvers: true })
export class UserEdge {
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this user.' })
  cursor!: string;
  @Field(() => User)
  node!: User;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A source whose users are missing from this page.' })
export class SourceFailure {
  @Field(() => ID)
  source!: string;
  @Field(() => String, { description: 'The error code (SOURCE_UNAVAILABLE, SOURCE_TIMEOUT, …).' })
  code!: string;
  @Field(() => String)
  message!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Users across sources, walked in configured order.' })
export class UserConnection {
  @Field(() => [UserEdge])
  edges!: UserEdge[];
  @Field(() => [User], { description: 'The edge nodes, for clients that do not need cursors.' })
  nodes!: User[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
  @Field(() => [SourceFailure], { description: 'Sources that failed; their users are missing and an error with extensions.source is in `errors`.' })
  sourceErrors!: SourceFailure[];
  @Field(() => Int, { nullable: true, description: 'How many users match, over the mirror (consistency: CACHED); null when read live.' })
  totalCount!: number | null;
}
