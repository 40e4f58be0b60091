import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsEmail, IsOptional, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Consistency, OrderDirection, UserOrderField, UserStatus } from './enums';

/** Filter semantics are fixed in src/core/filter.ts so pushed-down and gateway-applied filters agree. */
@InputType({ description: 'All given fields must match.' })
export class UserFilter {
  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;
  @Field(() => UserStatus, { nullable: true })
  status?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact, case-insensitive.' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact, case-insensitive.' })
  @IsOptional()
  @Length(1, 255)
  username?: string | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive prefix.' })
  @IsOptional()
  @Length(1, 100)
  firstName?: string | null;
  @Field(() => String, { nullable: true, description: 'Case-insensitive prefix.' })
  @IsOptional()
  @Length(1, 100)
  lastName?: string | null;
  @Field(() => String, { nullable: true, description: 'Exact (PainChek external_id).' })
  @IsOptional()
  @Length(1, 255)
  externalId?: string | null;
}

@InputType({ description: 'The order of `users` over the mirror (consistency: CACHED only).' })
export class UserOrder {
  @Field(() => UserOrderField)
  field!: keyof typeof UserOrderField;
  @Field(() => OrderDirection, { defaultValue: 'ASC' })
  direction!: keyof typeof OrderDirection;
}

export const MAX_PAGE_SIZE = 500;

@ArgsType()
export class UsersArgs {
  @Field(() => UserFilter, { nullable: true })
  @IsOptional()
  // type-graphql instantiates nested input classes itself, so class-validator can descend into them.
  @ValidateNested()
  filter?: UserFilter | null;

  @Field(() => [ID], { nullable: true, description: 'Source ids to read, in this order; default all in configured order.' })
  @IsOptional()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  sources?: string[] | null;

  @Field(() => Int, { defaultValue: 50, description: `Page size, 1–${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first!: number;

  @Field(() => String, { nullable: true, description: 'An endCursor or edge cursor from a previous page of the same query.' })
  @IsOptional()
  @MaxLength(4096)
  after?: string | null;

  @Field(() => Consistency, { defaultValue: 'LIVE', description: 'LIVE asks the vendors; CACHED answers from the mirror where it is fresh enough.' })
  consistency!: keyof typeof Consistency;

  @Field(() => Int, { nullable: true, description: 'CACHED: the oldest copy accepted, in seconds (1–86400); older, and the read goes live. Default: any age.' })
  @IsOptional()
  @Min(1)
  @Max(86_400)
  maxAgeSeconds?: number | null;

  @Field(() => UserOrder, { nullable: true, description: 'Needs consistency: CACHED and every selected source mirrored.' })
  @IsOptional()
  @ValidateNested()
  orderBy?: UserOrder | null;
}
