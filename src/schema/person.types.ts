import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateTimeResolver } from 'graphql-scalars';
import { Node } from './node.interface';
import { User } from './user.type';
import { UserError, VendorStep, KEY_DESCRIPTION, MAX_ID_LENGTH } from './mutation.types';

/** People and jobs (docs/people.md). */
export const MatchRule = { MANUAL: 'MANUAL', NPI: 'NPI', EMAIL: 'EMAIL', EMPLOYEE_NUMBER: 'EMPLOYEE_NUMBER' } as const;
registerEnumType(MatchRule, {
  name: 'MatchRule',
  description: 'Why accounts were linked into one person.',
  valuesConfig: {
    MANUAL: { description: 'An operator linked them (linkAccounts).' },
    NPI: { description: 'The same National Provider Identifier.' },
    EMAIL: { description: 'The same e-mail address, case-folded (the username counts when it is an address).' },
    EMPLOYEE_NUMBER: { description: 'The same employee number, between sources of one organization.' },
  },
});

@ObjectType({ implements: Node, description: "One person's accounts across sources, linked over the mirrors (docs/people.md). Only mirrored sources are linked." })
export class Person extends Node {
  @Field(() => String)
  displayName!: string;
  @Field(() => [User], { description: 'The accounts you may see, in global-id order.' })
  accounts!: User[];
  @Field(() => [MatchRule], { description: 'The rules that linked these accounts; empty for a person with one account.' })
  matchedOn!: string[];
}

@ObjectType({ description: 'An account whose identifiers point at people that cannot be one (two NPIs, two manual groups): it was linked to none of them through that rule.' })
export class LinkConflict {
  @Field(() => User)
  account!: User;
  @Field(() => MatchRule)
  rule!: string;
  @Field(() => [Person], { description: 'The people the account matched.' })
  candidates!: Person[];
}

@ObjectType()
export class PersonConnection {
  @Field(() => [Person])
  nodes!: Person[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last.' })
  endCursor!: string | null;
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => Int)
  totalCount!: number;
}

@InputType()
export class PeopleFilter {
  @Field(() => String, { nullable: true, description: 'Any account of the person has this e-mail address (case-folded).' })
  @IsOptional()
  @MaxLength(254)
  email?: string | null;
  @Field(() => String, { nullable: true, description: "Part of any account's display name, case-insensitive." })
  @IsOptional()
  @Length(1, 100)
  name?: string | null;
  @Field(() => ID, { nullable: true, description: 'The person has an account in this source.' })
  @IsOptional()
  @Length(1, 63)
  source?: string | null;
}

@ArgsType()
export class PeopleArgs {
  @Field(() => PeopleFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: PeopleFilter | null;
  @Field(() => Int, { defaultValue: 50, description: '1–100.' })
  @Min(1)
  @Max(100)
  first!: number;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  after?: string | null;
}

@ArgsType()
export class LinkAccountsArgs {
  @Field(() => [ID], { description: 'Two or more User ids of mirrored sources: from now on one person, whatever the rules say.' })
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @Length(1, MAX_ID_LENGTH, { each: true })
  userIds!: string[];
}

@ObjectType({ description: 'The result of linkAccounts / unlinkAccount. Check userErrors.' })
export class PersonPayload {
  @Field(() => Person, { nullable: true })
  person!: Person | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}

// ---- Jobs ----

export const JobKind = { PROVISION: 'PROVISION', OFFBOARD: 'OFFBOARD' } as const;
registerEnumType(JobKind, { name: 'JobKind' });
export const JobState = { PENDING: 'PENDING', RUNNING: 'RUNNING', SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED', PARTIAL: 'PARTIAL' } as const;
registerEnumType(JobState, { name: 'JobState', description: 'PARTIAL: some accounts succeeded and some did not; retryJob retries the rest.' });
export const AccountOutcome = { PENDING: 'PENDING', SUCCEEDED: 'SUCCEEDED', FAILED: 'FAILED', UNKNOWN: 'UNKNOWN', SKIPPED_UNSUPPORTED: 'SKIPPED_UNSUPPORTED', SKIPPED: 'SKIPPED' } as const;
registerEnumType(AccountOutcome, {
  name: 'AccountOutcome',
  valuesConfig: {
    PENDING: { description: 'Not written yet.' },
    UNKNOWN: { description: 'The connection dropped after sending: the account is read again before any retry.' },
    SKIPPED_UNSUPPORTED: { description: 'The vendor cannot do it (e.g. delete): nothing sent.' },
    SKIPPED: { description: "The gateway's own service account: never off-boarded." },
  },
});
export const OffboardMode = { DEACTIVATE: 'DEACTIVATE', DELETE_WHERE_SUPPORTED: 'DELETE_WHERE_SUPPORTED' } as const;
registerEnumType(OffboardMode, { name: 'OffboardMode', description: 'DELETE_WHERE_SUPPORTED deletes where the vendor can and deactivates elsewhere.' });

@ObjectType({ description: "One account's part in a job." })
export class JobResult {
  @Field(() => ID)
  source!: string;
  @Field(() => User, { nullable: true, description: 'The account (null once deleted, or before a provisioning job created it). Needs users:read.' })
  user!: User | null;
  @Field(() => ID, { nullable: true, description: "The account's global id, also after a delete." })
  userId!: string | null;
  @Field(() => AccountOutcome)
  outcome!: string;
  @Field(() => Int, { description: 'Write attempts made for this account.' })
  attempts!: number;
  @Field(() => [UserError])
  userErrors!: UserError[];
  @Field(() => [VendorStep])
  steps!: VendorStep[];
}

@ObjectType({ description: 'A durable provisioning or off-boarding job: it survives a restart and resumes.' })
export class Job {
  @Field(() => ID)
  id!: string;
  @Field(() => JobKind)
  kind!: string;
  @Field(() => JobState)
  state!: string;
  @Field(() => DateTimeResolver)
  createdAt!: Date;
  @Field(() => DateTimeResolver)
  updatedAt!: Date;
  @Field(() => [JobResult])
  results!: JobResult[];
}

@ObjectType({ description: 'The job started (follow it with job(id)), or why none was.' })
export class JobPayload {
  @Field(() => Job, { nullable: true })
  job!: Job | null;
  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ArgsType()
export class OffboardPersonArgs {
  @Field(() => ID, { nullable: true, description: 'The Person id; or give `email`.' })
  @IsOptional()
  @Length(1, MAX_ID_LENGTH)
  person?: string | null;
  @Field(() => String, { nullable: true, description: 'Any account e-mail of the person (case-folded).' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;
  @Field(() => OffboardMode, { defaultValue: 'DEACTIVATE' })
  mode!: string;
  @Field(() => String, { description: 'Why (kept with the job; never sent to a vendor).' })
  @Length(1, 500)
  reason!: string;
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 255)
  idempotencyKey?: string | null;
}

@InputType({ description: 'The person, once for every source.' })
export class PersonInput {
  @Field(() => String)
  @Length(1, 100)
  firstName!: string;
  @Field(() => String)
  @Length(1, 100)
  lastName!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 1)
  middleInitial?: string | null;
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
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 64)
  employeeNumber?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 20)
  npi?: string | null;
}

@InputType({ description: 'What one source needs beyond the person: its user types, facilities, username, password.' })
export class ProvisionSourceInput {
  @Field(() => ID)
  @Length(1, 63)
  source!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 255)
  username?: string | null;
  @Field(() => String, { nullable: true, description: 'Write-only; never stored with the job, returned or logged.' })
  @IsOptional()
  @Length(1, 128)
  password?: string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 255)
  externalId?: string | null;
  @Field(() => [ID], { nullable: true, description: 'UserType ids of this source.' })
  @IsOptional()
  @ArrayMaxSize(50)
  userTypeIds?: string[] | null;
  @Field(() => [ID], { nullable: true, description: 'Facility ids of this source.' })
  @IsOptional()
  @ArrayMaxSize(200)
  facilityIds?: string[] | null;
  @Field(() => ID, { nullable: true })
  @IsOptional()
  primaryFacilityId?: string | null;
}

@ArgsType()
export class ProvisionPersonArgs {
  @Field(() => PersonInput)
  @ValidateNested()
  input!: PersonInput;
  @Field(() => [ProvisionSourceInput], { description: 'One entry per source to create an account in.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested()
  sources!: ProvisionSourceInput[];
  @Field(() => String, { nullable: true, description: KEY_DESCRIPTION })
  @IsOptional()
  @Length(1, 255)
  idempotencyKey?: string | null;
}
