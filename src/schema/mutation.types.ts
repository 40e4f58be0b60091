import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, IsEmail, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { User } from './user.type';

/**
 * Mutation inputs. Rules here are the vendor-independent ones (formats, sane lengths); each
 * vendor's own rules (required fields, password strength, field lengths, allowed roles) run in
 * the vendor's `validate` before any vendor call. Passwords, SSNs and tag ids are write-only.
 */
@InputType({ description: 'A new user in one source. Which fields are required depends on the vendor (see the README capability matrix).' })
export class CreateUserInput {
  @Field(() => ID, { description: 'The source to create the user in.' })
  @Length(1, 63)
  source!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 255)
  username?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only; never returned or logged.' })
  @IsOptional()
  @Length(1, 128)
  password?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  firstName?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 1)
  middleInitial?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  lastName?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 40)
  phone?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  title?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Defaults to true.' })
  active?: boolean | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 64)
  employeeNumber?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  npi?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  dea?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 255)
  externalId?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only (CorEMR); never returned or logged.' })
  @IsOptional()
  @MaxLength(16)
  ssn?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only NFC tag id (PresentationServices).' })
  @IsOptional()
  @MaxLength(64)
  tagId?: string | null;
  @Field(() => [ID], { nullable: true, description: 'UserType ids of the same source.' })
  @IsOptional()
  @ArrayMaxSize(50)
  userTypeIds?: string[] | null;
  @Field(() => [ID], { nullable: true, description: 'Facility ids of the same source.' })
  @IsOptional()
  @ArrayMaxSize(200)
  facilityIds?: string[] | null;
  @Field(() => ID, { nullable: true, description: 'One of facilityIds.' })
  @IsOptional()
  primaryFacilityId?: string | null;
}

@InputType({ description: 'Fields to change; an omitted field stays as it is.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true, description: 'Write-only.' })
  @IsOptional()
  @Length(1, 128)
  password?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  firstName?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 1)
  middleInitial?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 100)
  lastName?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(40)
  phone?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(100)
  title?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(64)
  employeeNumber?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20)
  npi?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20)
  dea?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(255)
  externalId?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only.' })
  @IsOptional()
  @MaxLength(16)
  ssn?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only.' })
  @IsOptional()
  @MaxLength(64)
  tagId?: string | null;
}

@ObjectType({ description: 'Why a mutation did not (fully) happen.' })
export class UserError {
  @Field(() => String, { nullable: true, description: 'The input field, e.g. "input.password"; null when not about one field.' })
  field!: string | null;
  @Field(() => String, { description: 'BAD_USER_INPUT, UNSUPPORTED_BY_VENDOR, NOT_FOUND, CONFLICT, OUTCOME_UNKNOWN, SOURCE_… .' })
  code!: string;
  @Field(() => String)
  message!: string;
}

@ObjectType({ description: 'One vendor call a mutation made (route template only: no ids, no secrets).' })
export class VendorStep {
  @Field(() => String)
  method!: string;
  @Field(() => String)
  route!: string;
  @Field(() => Int, { nullable: true, description: 'Null when no response came back.' })
  status!: number | null;
  @Field(() => Boolean)
  ok!: boolean;
}

@ObjectType({ description: 'The result of a user mutation. Check userErrors: a non-empty list means the change did not (fully) happen; steps says which vendor calls succeeded.' })
export class UserPayload {
  @Field(() => User, { nullable: true, description: 'The user after the change (null on failure and after delete).' })
  user!: User | null;
  @Field(() => ID, { nullable: true, description: 'Set by deleteUser when the user was deleted.' })
  deletedUserId!: string | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
  @Field(() => [VendorStep])
  steps!: VendorStep[];
  @Field(() => Boolean, { description: 'True when this is the stored result of an earlier call with the same idempotencyKey.' })
  replayed!: boolean;
}

/**
 * Arguments of createUser/updateUser as @ArgsType classes, so class-validator reports nested
 * fields with the argument's name ("input.email") and validates idempotencyKey too.
 */
/** Global ids are base64url JSON of (type, source, native id); none of ours comes near this. */
export const MAX_ID_LENGTH = 1024;

export const KEY_DESCRIPTION = 'Optional, 1–255 characters. The same key with the same input returns the first result without calling the vendor again.';

@ArgsType()
export class CreateUserArgs {
  @Field(() => CreateUserInput)
  @ValidateNested()
  input!: CreateUserInput;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 255)
  idempotencyKey?: string | null;
}

@ArgsType()
export class UpdateUserArgs {
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  id!: string;
  @Field(() => UpdateUserInput)
  @ValidateNested()
  input!: UpdateUserInput;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 255)
  idempotencyKey?: string | null;
}

/** Arguments shared by every mutation on one user. */
@ArgsType()
class IdempotentArgs {
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 255)
  idempotencyKey?: string | null;
}

@ArgsType()
export class SetUserActiveArgs extends IdempotentArgs {
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  id!: string;
  @Field(() => Boolean)
  active!: boolean;
}

@ArgsType()
export class DeleteUserArgs extends IdempotentArgs {
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  id!: string;
}

@ArgsType()
export class UserTypeChangeArgs extends IdempotentArgs {
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  userId!: string;
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  userTypeId!: string;
}

@ArgsType()
export class RevokeFacilityAccessArgs extends IdempotentArgs {
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  userId!: string;
  @Field(() => ID)
  @Length(1, MAX_ID_LENGTH)
  facilityId!: string;
}

@ArgsType()
export class GrantFacilityAccessArgs extends RevokeFacilityAccessArgs {
  @Field(() => Boolean, { defaultValue: false })
  primary!: boolean;
}

@ArgsType()
export class UpdateFacilityAccessArgs extends RevokeFacilityAccessArgs {
  @Field(() => Boolean)
  primary!: boolean;
}
