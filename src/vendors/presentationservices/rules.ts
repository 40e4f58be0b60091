import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsEmail, IsEmpty, IsNotEmpty, IsOptional, IsString, Length,
  Validate, ValidateIf, ValidatorConstraint, type ValidatorConstraintInterface, type ValidationArguments,
} from 'class-validator';
import { IsPathSegment } from '../../kit';
import { splitFacilityNativeId } from './mapper';

/**
 * PresentationServices input rules (doc + DESIGN §4), checked before any vendor call. Each message
 * names the unified field and the rule and never the value. Lengths: "longer than 5 characters
 * and shorter than 20" = 6–19 for password and tagId.
 */

const PASSWORD = 'input.password must be 6 to 19 characters long';
const TAG_ID = 'input.tagId must be 6 to 19 characters long';
const EMAIL = 'input.email must be a well-formed email address';
const unsupported = (field: string) => `input.${field} is not supported by PresentationServices`;
const required = (field: string) => `input.${field} is required`;
const notClearable = (field: string) => `input.${field} cannot be cleared: PresentationServices keeps the current value when it is empty`;

@ValidatorConstraint({ name: 'facilityId' })
class FacilityIdShape implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && splitFacilityNativeId(value) != null;
  }
}

@ValidatorConstraint({ name: 'primaryIsTheFacility' })
class PrimaryIsTheFacility implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const ids = (args.object as CreateUserRules).facilityIds;
    return value == null || (Array.isArray(ids) && ids[0] === value);
  }
}

/** Fields the vendor has no place for: rejected when given rather than silently dropped. */
abstract class NoForeignFields {
  @IsEmpty({ message: unsupported('middleInitial') }) middleInitial?: unknown;
  @IsEmpty({ message: unsupported('phone') }) phone?: unknown;
  @IsEmpty({ message: unsupported('title') }) title?: unknown;
  @IsEmpty({ message: unsupported('employeeNumber') }) employeeNumber?: unknown;
  @IsEmpty({ message: unsupported('npi') }) npi?: unknown;
  @IsEmpty({ message: unsupported('dea') }) dea?: unknown;
  @IsEmpty({ message: unsupported('externalId') }) externalId?: unknown;
  @IsEmpty({ message: unsupported('ssn') }) ssn?: unknown;
}

export class CreateUserRules extends NoForeignFields {
  @IsString({ message: required('firstName') }) @IsNotEmpty({ message: required('firstName') }) firstName?: unknown;
  @IsString({ message: required('lastName') }) @IsNotEmpty({ message: required('lastName') }) lastName?: unknown;
  @IsString({ message: required('username') }) @IsNotEmpty({ message: required('username') }) username?: unknown;
  @IsString({ message: required('email') }) @IsEmail({}, { message: EMAIL }) email?: unknown;
  @IsString({ message: required('password') }) @Length(6, 19, { message: PASSWORD }) password?: unknown;
  @IsOptional() @IsString({ message: TAG_ID }) @Length(6, 19, { message: TAG_ID }) tagId?: unknown;

  @IsArray({ message: 'input.userTypeIds must hold exactly one role: a PresentationServices user has one role' })
  @ArrayMinSize(1, { message: 'input.userTypeIds must hold exactly one role: a PresentationServices user has one role' })
  @ArrayMaxSize(1, { message: 'input.userTypeIds must hold exactly one role: a PresentationServices user has one role' })
  @IsString({ each: true, message: 'input.userTypeIds must hold role ids' })
  @IsNotEmpty({ each: true, message: 'input.userTypeIds must hold role ids' })
  userTypeIds?: unknown;

  @IsArray({ message: 'input.facilityIds must hold exactly one facility: a PresentationServices user has one facility' })
  @ArrayMinSize(1, { message: 'input.facilityIds must hold exactly one facility: a PresentationServices user has one facility' })
  @ArrayMaxSize(1, { message: 'input.facilityIds must hold exactly one facility: a PresentationServices user has one facility' })
  @Validate(FacilityIdShape, { each: true, message: 'input.facilityIds must hold PresentationServices facility ids' })
  facilityIds?: unknown;

  @Validate(PrimaryIsTheFacility, { message: 'input.primaryFacilityId must be the one facility in input.facilityIds' })
  primaryFacilityId?: unknown;
}

/** Patch rules: absent fields stay; the vendor cannot clear names, email, password or tagId. */
export class UpdateUserRules extends NoForeignFields {
  @ValidateIf((o: UpdateUserRules) => o.firstName !== undefined)
  @IsDefined({ message: notClearable('firstName') }) @IsString({ message: required('firstName') }) @IsNotEmpty({ message: required('firstName') })
  firstName?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.lastName !== undefined)
  @IsDefined({ message: notClearable('lastName') }) @IsString({ message: required('lastName') }) @IsNotEmpty({ message: required('lastName') })
  lastName?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.email !== undefined)
  @IsDefined({ message: notClearable('email') }) @IsString({ message: EMAIL }) @IsEmail({}, { message: EMAIL })
  email?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.password !== undefined)
  @IsDefined({ message: notClearable('password') }) @IsString({ message: PASSWORD }) @Length(6, 19, { message: PASSWORD })
  password?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.tagId !== undefined)
  @IsDefined({ message: notClearable('tagId') }) @IsString({ message: TAG_ID }) @Length(6, 19, { message: TAG_ID })
  tagId?: unknown;
}

/** A user id goes into /users/{id}: it must be one path segment. */
export class UserIdRules {
  // Checked bottom-up: empty, then a string, then one path segment (the kit asks src/http/path.ts).
  @IsPathSegment({ message: 'userId is not a valid path segment' })
  @IsString({ message: 'userId must be a PresentationServices user id' })
  @IsNotEmpty({ message: 'userId must be a PresentationServices user id' })
  userId?: unknown;
}

export class AssignUserTypeRules extends UserIdRules {
  @IsString({ message: 'userTypeId must be a role id' }) @IsNotEmpty({ message: 'userTypeId must be a role id' }) userTypeId?: unknown;
}

export class GrantFacilityRules extends UserIdRules {
  @Validate(FacilityIdShape, { message: 'facilityId must be a PresentationServices facility id' }) facilityId?: unknown;
}
