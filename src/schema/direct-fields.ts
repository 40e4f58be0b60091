import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { UserRecord } from '../core/model';
import type { RequestScope } from '../service/request-scope';
import { UserRelationsResolver } from './relations.resolver';

/**
 * The relation fields asked once per user of a page, answered by their resolver methods called
 * directly instead of through type-graphql's per-call wrapper (container lookup, the parameter
 * list sorted and mapped, `@Root` converted): that wrapper was ~4 % of the CPU of a 100-user
 * answer (docs/architecture.md §10). It does nothing else for these fields: they take no
 * arguments, carry no `@Authorized` and the schema has no middleware. `answerDirectly` refuses a
 * field that has arguments, so a field that grows one goes back through type-graphql's validation.
 */
const relations = new UserRelationsResolver();
type Resolve = GraphQLFieldResolver<UserRecord, RequestScope>;
const DIRECT: ReadonlyArray<[typeName: string, field: string, resolve: Resolve]> = [
  ['User', 'userTypes', (user, _args, ctx) => relations.userTypes(user, ctx)],
  ['User', 'facilityAccess', (user, _args, ctx) => relations.facilityAccess(user, ctx)],
  ['User', 'syncedAt', (user) => relations.syncedAt(user)],
];

export function answerDirectly(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fieldName, resolve] of DIRECT) {
    const type = schema.getType(typeName);
    const field = type instanceof GraphQLObjectType ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`answerDirectly: ${typeName}.${fieldName} is not in the schema`);
    if (field.args.length) throw new Error(`answerDirectly: ${typeName}.${fieldName} takes arguments; let type-graphql validate them`);
    field.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
  }
  return schema;
}
