import { Field, ObjectType } from 'type-graphql';
import { Node } from './node.interface';

/** A user type (CorEMR usertype, Open Dental user group, PainChek/iCure/PresentationServices role). */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A user type: CorEMR usertype, Open Dental user group, or a role.' })
export class UserType extends Node {
  @Field(() => String)
  nativeId!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  description!: string | null;
}

/** A facility (CorEMR facility, Open Dental clinic, PainChek site, PresentationServices facility). */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A facility: CorEMR facility, Open Dental clinic, PainChek site, PresentationServices facility.' })
export class Facility extends Node {
  @Field(() => String)
  nativeId!: string;
  @Field(() => String)
  code!: string;
  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "A user's access to one facility." })
export class FacilityAccess {
  @Field(() => Facility)
  facility!: Facility;
  @Field(() => Boolean, { description: "The user's primary (default) facility." })
  primary!: boolean;
}
