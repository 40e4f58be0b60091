import { Authorized, Field, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { Node } from './node.interface';
import { UserStatus } from './enums';

@ObjectType({ simpleResolvers: true, description: "Identifiers a vendor keeps for a clinician. SSNs are never exposed." })
export class UserIdentifiers {
  @Field(() => String, { nullable: true, description: 'National Provider Identifier (CorEMR npi_number).' })
  npi!: string | null;
  @Field(() => String, { nullable: true, description: 'DEA registration number (CorEMR dea_number).' })
  dea!: string | null;
  @Field(() => String, { nullable: true, description: 'CorEMR employee_number, Open Dental EmployeeNum.' })
  employeeNumber!: string | null;
  @Field(() => String, { nullable: true, description: 'Open Dental ProviderNum.' })
  providerNumber!: string | null;
  @Field(() => String, { nullable: true, description: 'PainChek external_id.' })
  externalId!: string | null;
  @Field(() => String, { nullable: true, description: 'iCure healthcarePartyId.' })
  healthcarePartyId!: string | null;
}

/** Fields behind the users:pii scope (docs/callers-and-limits.md); without it they are null with a FORBIDDEN error at their path. */
const PII = 'Needs the users:pii scope: without it, null with a FORBIDDEN error at this path.';

/** A user account in one source. `id`, `source`, `userTypes` and `facilityAccess` are resolved in user.resolver.ts. */
// simpleResolvers: plain fields read the property with graphql's default resolver instead of a
// type-graphql wrapper per field (docs/architecture.md, "CPU per answer"). The PII fields opt
// back out with `simple: false`: a simple field skips type-graphql's auth checker.
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A user account in one source.' })
export class User extends Node {
  @Field(() => String, { description: "The vendor's own key (CorEMR username, Open Dental UserNum, PainChek uuid, iCure id, PresentationServices userId)." })
  nativeId!: string;
  @Field(() => String, { nullable: true })
  username!: string | null;
  @Field(() => String)
  displayName!: string;
  @Field(() => String, { nullable: true })
  firstName!: string | null;
  @Field(() => String, { nullable: true })
  middleInitial!: string | null;
  @Field(() => String, { nullable: true })
  lastName!: string | null;
  @Field(() => String, { nullable: true, simple: false, description: PII })
  @Authorized('users:pii')
  email!: string | null;
  @Field(() => String, { nullable: true, simple: false, description: PII })
  @Authorized('users:pii')
  phone!: string | null;
  @Field(() => String, { nullable: true, description: 'CorEMR title / PainChek position.' })
  title!: string | null;
  @Field(() => UserStatus)
  status!: string;
  @Field(() => Boolean, { description: "The vendor's enable flag; false once deactivated." })
  active!: boolean;
  @Field(() => DateTimeResolver, { nullable: true })
  createdAt!: Date | null;
  @Field(() => DateTimeResolver, { nullable: true })
  updatedAt!: Date | null;
  @Field(() => DateTimeResolver, { nullable: true, simple: false, description: PII })
  @Authorized('users:pii')
  lastLoginAt!: Date | null;
  @Field(() => UserIdentifiers, { nullable: true, simple: false, description: PII })
  @Authorized('users:pii')
  identifiers!: UserIdentifiers | null;
  @Field(() => Boolean, { nullable: true, description: 'True when the user reaches every facility; null where the vendor does not say.' })
  allFacilities!: boolean | null;
}
