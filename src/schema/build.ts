import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { registerVendors } from './enums';
import { QueryResolver } from './query.resolver';
import { MutationResolver } from './mutation.resolver';
import { FacilityRelationsResolver, SourceResolver, UserPayloadResolver, UserRelationsResolver, UserTypeRelationsResolver } from './relations.resolver';
import { scopeAuthChecker } from './auth-checker';
import { AuditResolver } from './audit.resolver';
import { answerDirectly } from './direct-fields';
import { JobResultResolver, PeopleResolver, UserPersonResolver } from './people.resolver';

/**
 * Builds the executable schema. Validation: class-validator rules on input and args classes run
 * before any resolver, and rejected values are never echoed (target/value off).
 */
export async function buildGatewaySchema(vendorNames: readonly string[]): Promise<GraphQLSchema> {
  registerVendors(vendorNames);
  const schema = await buildSchema({
    resolvers: [QueryResolver, MutationResolver, UserRelationsResolver, UserTypeRelationsResolver, FacilityRelationsResolver, SourceResolver, UserPayloadResolver, AuditResolver, PeopleResolver, UserPersonResolver, JobResultResolver],
    authChecker: scopeAuthChecker,
    authMode: 'error',
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
  });
  return answerDirectly(schema);
}

/** The SDL checked in as schema/schema.graphql (sorted, so the file only changes when the schema does). */
export function schemaSdl(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
