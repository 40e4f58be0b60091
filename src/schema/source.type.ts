import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { MirrorState, Vendor, WriteOperation } from './enums';

@ObjectType({ description: 'Whether a source supports one mutation, and with which vendor verbs, or what to do instead.' })
export class OperationCapability {
  @Field(() => WriteOperation)
  operation!: string;
  @Field(() => Boolean)
  supported!: boolean;
  @Field(() => String, { nullable: true, description: 'The vendor calls used, e.g. "PUT /userods/{UserNum}".' })
  verbs!: string | null;
  @Field(() => String, { nullable: true, description: 'What to do instead when unsupported.' })
  alternative!: string | null;
}

@ObjectType({ description: 'What a source can do. Unsupported operations answer UNSUPPORTED_BY_VENDOR without calling the vendor.' })
export class SourceCapabilities {
  @Field(() => Boolean, { description: 'userTypes(source:) can list the catalog.' })
  userTypeCatalog!: boolean;
  @Field(() => Boolean, { description: 'facilities(source:) can list the catalog.' })
  facilityCatalog!: boolean;
  @Field(() => Boolean)
  multipleUserTypes!: boolean;
  @Field(() => Boolean)
  multipleFacilities!: boolean;
  @Field(() => [String], { description: 'UserFilter fields the vendor evaluates itself; the gateway applies the rest.' })
  pushdownFilters!: string[];
  @Field(() => [String], { description: 'The fields of provisionPerson\'s person input this vendor stores; the others are not sent to it.' })
  personFields!: string[];
  @Field(() => [OperationCapability])
  operations!: OperationCapability[];
}

@ObjectType({ description: 'Result of a cheap authenticated call to the source.' })
export class SourceHealth {
  @Field(() => String, { description: 'UP or DOWN.' })
  status!: string;
  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;
  @Field(() => DateTimeResolver)
  checkedAt!: Date;
  @Field(() => String, { nullable: true, description: 'The error code when DOWN.' })
  errorCode!: string | null;
}

/** One configured vendor instance. `capabilities` and `health` are resolved in source.resolver.ts. */
@ObjectType({ description: 'One configured vendor instance.' })
export class Source {
  @Field(() => ID, { description: 'The id from the config file.' })
  id!: string;
  @Field(() => Vendor)
  vendor!: string;
  @Field(() => String)
  name!: string;
}

@ObjectType({ description: "A source's mirror (a copy of its users in the store, refreshed in the background)." })
export class SourceMirror {
  @Field(() => Boolean)
  enabled!: boolean;
  @Field(() => MirrorState)
  state!: string;
  @Field(() => DateTimeResolver, { nullable: true, description: 'When the last refresh completed.' })
  lastSyncAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The error code of the last refresh, when it failed (the previous copy stays in use).' })
  lastError!: string | null;
  @Field(() => Int, { nullable: true, description: 'Users in the copy.' })
  users!: number | null;
  @Field(() => Boolean, { description: 'A refresh is running now.' })
  refreshing!: boolean;
}
