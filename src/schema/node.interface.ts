import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: anything with a global id that node(id:) can fetch again. */
@InterfaceType({
  description: 'An object with a global id that node(id:) fetches again.',
  // Records are plain objects; the schema layer tags each with its GraphQL type name.
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque and globally unique; round-trips through node(id:).' })
  id!: string;
}
