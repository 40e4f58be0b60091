import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  registerDecorator,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { ErrorCode } from '../../core/errors';
import { MIN_PASSWORD_LENGTH, isStrongPassword } from './password';

/**
 * Open Dental's input rules, checked before any vendor call. Messages name the field and the rule,
 * never the rejected value. Rules the API cannot be asked about up front (UserName uniqueness, that
 * a group or clinic exists) are left to the vendor and mapped from its answer.
 */

/** UserNum, UserGroupNum, ClinicNum, EmployeeNum: positive whole numbers that fit a JS number exactly (< 2^53). */
const ID = /^[1-9][0-9]{0,14}$/;
const ID_RULE = 'must be a positive whole number';

/** The property holds a value Open Dental cannot store: rejected as UNSUPPORTED_BY_VENDOR. */
function Unsupported(opts: { allowNull: boolean; message: string }): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'unsupportedByVendor',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: opts.message, context: { code: 'UNSUPPORTED_BY_VENDOR' satisfies ErrorCode } },
      validator: { validate: (v: unknown) => v === undefined || (opts.allowNull && v === null) },
    });
}

const cannotStore = (field: string) => Unsupported({ allowNull: true, message: `${field} cannot be stored in Open Dental.` });

@ValidatorConstraint({ name: 'odStrongPassword' })
class StrongPassword implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return typeof value === 'string' && isStrongPassword(value, (args.object as CreateUserRules).passwordRequiresSymbol);
  }
  defaultMessage(args: ValidationArguments): string {
    const last = (args.object as CreateUserRules).passwordRequiresSymbol ? ', a lowercase letter and a symbol' : ' and a lowercase letter';
    return `password must be at least ${MIN_PASSWORD_LENGTH} characters with a number, an uppercase letter${last}.`;
  }
}

@ValidatorConstraint({ name: 'primaryAmongFacilities' })
class PrimaryAmongFacilities implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const ids = (args.object as CreateUserRules).facilityIds;
    return value == null || ids == null || ids.includes(value as string);
  }
  defaultMessage(): string {
    return 'primaryFacilityId must be one of facilityIds.';
  }
}

/** Fields of the unified input Open Dental has no place for at all (null is accepted: it is already null). */
abstract class AccountRules {
  @cannotStore('firstName') firstName?: unknown;
  @cannotStore('middleInitial') middleInitial?: unknown;
  @cannotStore('lastName') lastName?: unknown;
  @cannotStore('phone') phone?: unknown;
  @cannotStore('title') title?: unknown;
  @cannotStore('npi') npi?: unknown;
  @cannotStore('dea') dea?: unknown;
  @cannotStore('externalId') externalId?: unknown;
  @cannotStore('ssn') ssn?: unknown;
  @cannotStore('tagId') tagId?: unknown;

  @IsOptional()
  @IsBoolean({ message: 'active must be true or false.' })
  active?: unknown;

  /** Written as EmployeeNum; the employee must exist in Open Dental (checked by the vendor). */
  @IsOptional()
  @Matches(ID, { message: `employeeNumber ${ID_RULE}.` })
  employeeNumber?: unknown;
}

export class CreateUserRules extends AccountRules {
  /** The office's "special characters" preference (source option), not an input field. */
  passwordRequiresSymbol = false;

  @IsString({ message: 'username is required.' })
  @IsNotEmpty({ message: 'username is required.' })
  @Matches(/\S$/, { message: 'username must not end with whitespace.' })
  @MaxLength(255, { message: 'username must be at most 255 characters.' })
  username?: unknown;

  @IsString({ message: 'password is required.' })
  @IsNotEmpty({ message: 'password is required.' })
  @Validate(StrongPassword)
  password?: unknown;

  /** Open Dental has an e-mail on the user, but its API cannot write it. */
  @Unsupported({ allowNull: true, message: 'email cannot be written through the Open Dental API.' })
  email?: unknown;

  @IsArray({ message: 'userTypeIds must list at least one user group.' })
  @ArrayMinSize(1, { message: 'userTypeIds must list at least one user group.' })
  @Matches(ID, { each: true, message: 'userTypeIds must each be a positive whole number.' })
  userTypeIds?: unknown;

  @IsOptional()
  @IsArray({ message: 'facilityIds must be a list.' })
  @ArrayMaxSize(1, { message: 'facilityIds may hold one clinic: an Open Dental user has one default clinic.' })
  @Matches(ID, { each: true, message: 'facilityIds must each be a positive whole number.' })
  facilityIds?: string[];

  @IsOptional()
  @Matches(ID, { message: `primaryFacilityId ${ID_RULE}.` })
  @Validate(PrimaryAmongFacilities)
  primaryFacilityId?: unknown;
}

export class UpdateUserRules extends AccountRules {
  @Unsupported({ allowNull: false, message: 'password cannot be changed through the Open Dental API.' })
  password?: unknown;

  @Unsupported({ allowNull: false, message: 'email cannot be written through the Open Dental API.' })
  email?: unknown;
}

/** Ids taken from the mutation's arguments; they become path segments or numbers in a body. */
export class IdRules {
  @IsOptional()
  @Matches(ID, { message: `userId ${ID_RULE}.` })
  userId?: string;

  @IsOptional()
  @Matches(ID, { message: `userTypeId ${ID_RULE}.` })
  userTypeId?: string;

  @IsOptional()
  @Matches(ID, { message: `facilityId ${ID_RULE}.` })
  facilityId?: string;
}
