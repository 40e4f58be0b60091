import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

/** A one-field schema whose resolver throws an error carrying a secret, to test masking end to end. */
export function makeExecutableSchemaForTest(): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        boom: {
          type: GraphQLString,
          resolve: () => {
            throw new Error('connect postgres://admin:hunter2@db failed');
          },
        },
      },
    }),
  });
}
