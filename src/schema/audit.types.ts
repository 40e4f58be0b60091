import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DateTimeResolver } from 'graphql-scalars';
import { PageInfo } from './user-connection.type';

/**
 * `auditEvents` (docs/store-and-audit.md, contract). The object types mirror AuditEventRecord field for
 * field, so the resolver hands records over as they are; `userIds` (access events) is not exposed.
 */
export const AuditOutcome = { SUCCESS: 'SUCCESS', FAILURE: 'FAILURE', DENIED: 'DENIED', UNKNOWN: 'UNKNOWN', PENDING: 'PENDING' } as const;
registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  valuesConfig: {
    FAILURE: { description: 'Refused or failed; errorCode says why.' },
    DENIED: { description: 'The caller lacked the scope.' },
    UNKNOWN: { description: 'The vendor never confirmed the outcome (or the gateway stopped mid-way).' },
    PENDING: { description: 'Written before the first vendor call; not yet completed.' },
  },
});

export const AuditActorKind = { JWT: 'JWT', API_KEY: 'API_KEY', NONE: 'NONE' } as const;
registerEnumType(AuditActorKind, { name: 'AuditActorKind', description: 'How the caller authenticated (NONE: auth.mode none).' });

@ObjectType()
export class AuditActor {
  @Field(() => AuditActorKind)
  kind!: string;
  @Field(() => String, { description: "The token's sub, the API key's name, or anonymous." })
  id!: string;
  @Field(() => String)
  name!: string;
}

@ObjectType()
export class AuditTarget {
  @Field(() => ID, { nullable: true, description: 'The global User id; null when not known (refused early, create failed).' })
  id!: string | null;
  @Field(() => String, { nullable: true })
  nativeId!: string | null;
}

@ObjectType({ description: 'One vendor call, by route template (never a concrete URL).' })
export class AuditStep {
  @Field(() => String)
  method!: string;
  @Field(() => String)
  route!: string;
  @Field(() => Int, { nullable: true, description: 'Null when no response came back.' })
  status!: number | null;
}

@ObjectType({ description: 'Where the request came from (the socket address; no proxy header is trusted).' })
export class AuditClient {
  @Field(() => String, { nullable: true })
  ip!: string | null;
  @Field(() => String, { nullable: true })
  userAgent!: string | null;
}

@ObjectType({ description: 'One account-changing attempt (or, with audit.reads, one read request: action "read").' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;
  @Field(() => DateTimeResolver)
  at!: Date;
  @Field(() => String)
  requestId!: string;
  @Field(() => AuditActor)
  actor!: AuditActor;
  @Field(() => String, { description: 'The mutation (setUserActive, …) or "read".' })
  action!: string;
  @Field(() => ID, { nullable: true, description: 'Null when the attempt was refused before its source was known.' })
  sourceId!: string | null;
  @Field(() => AuditTarget)
  target!: AuditTarget;
  @Field(() => [String], { description: 'Names only, never values.' })
  changedFields!: string[];
  @Field(() => AuditOutcome)
  outcome!: string;
  @Field(() => String, { nullable: true })
  errorCode!: string | null;
  @Field(() => [AuditStep])
  steps!: AuditStep[];
  @Field(() => Boolean, { description: 'True when the result was an idempotent replay (no vendor call).' })
  replayed!: boolean;
  @Field(() => AuditClient, { nullable: true })
  client!: AuditClient | null;
}

@ObjectType()
export class AuditEventEdge {
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this event.' })
  cursor!: string;
  @Field(() => AuditEvent)
  node!: AuditEvent;
}

@ObjectType({ description: 'Audit events, newest first.' })
export class AuditEventConnection {
  @Field(() => [AuditEvent])
  nodes!: AuditEvent[];
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: 'All given fields must match.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: "The actor's id." })
  @IsOptional()
  @Length(1, 256)
  actor?: string | null;
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Length(1, 63)
  source?: string | null;
  @Field(() => ID, { nullable: true, description: "The target's global id or native id." })
  @IsOptional()
  @Length(1, 1024)
  target?: string | null;
  @Field(() => String, { nullable: true, description: 'A mutation name, or "read".' })
  @IsOptional()
  @Length(1, 64)
  action?: string | null;
  @Field(() => AuditOutcome, { nullable: true })
  outcome?: string | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'Events at or after this instant.' })
  from?: Date | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'Events before this instant (exclusive).' })
  to?: Date | null;
}

export const MAX_AUDIT_PAGE_SIZE = 100;

@ArgsType()
export class AuditEventsArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: AuditEventFilter | null;

  @Field(() => Int, { defaultValue: 50, description: `Page size, 1–${MAX_AUDIT_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_AUDIT_PAGE_SIZE)
  first!: number;

  @Field(() => String, { nullable: true, description: 'An endCursor or edge cursor from a previous page of the same query.' })
  @IsOptional()
  @MaxLength(4096)
  after?: string | null;
}
