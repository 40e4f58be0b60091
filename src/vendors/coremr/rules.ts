import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEmpty,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidatorConstraint,
  Validate,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { UserErrorRecord, WriteInput } from '../../core/writes';
import { IsPathSegment as PathSegment, checkRules } from '../../kit';

/**
 * CorEMR's input rules, checked before any vendor call (docs/architecture.md §4). Documented by CorEMR:
 * required username, usertype, password, fname, lname on add; mi String(1); ssn String(9)
 * (digits: an SSN); usertype and password only when adding. Our choices (README.md):
 *  - lengths: username 50, password 128, names/title/ids 50, phone 30, email 254 (+ format);
 *  - the install's password restrictions are configured per install and unknown here: the
 *    vendor's 400 reports them;
 *  - username: no whitespace or "/"; every id put in a path: not "", "." or "..";
 *  - externalId and tagId have no CorEMR field and are refused rather than dropped.
 * Messages name the field and the rule, never the value.
 */
const NAME_MAX = 50;
const PHONE_MAX = 30;
const EMAIL_MAX = 254;
const PASSWORD_MAX = 128;

@ValidatorConstraint({ name: 'primaryInFacilities' })
class PrimaryInFacilities implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const ids = (args.object as CreateUserRules).facilityIds;
    return Array.isArray(ids) && ids.includes(value as string);
  }
  defaultMessage(): string {
    return 'primaryFacilityId must be one of facilityIds.';
  }
}

// class-validator runs a property's decorators bottom-up and stopAtFirstError reports the first
// failure, so each property lists its checks from the most specific (top) to the type (bottom).

/** Rules shared by create and update for the optional fields. */
class UserFieldRules {
  @Length(1, 1, { message: 'middleInitial must be exactly 1 character.' })
  @IsString({ message: 'middleInitial must be a string.' })
  @IsOptional()
  middleInitial?: string | null;

  @IsEmail({}, { message: 'email must be an e-mail address.' })
  @MaxLength(EMAIL_MAX, { message: `email must be at most ${EMAIL_MAX} characters.` })
  @IsString({ message: 'email must be a string.' })
  @IsOptional()
  email?: string | null;

  @MaxLength(PHONE_MAX, { message: `phone must be at most ${PHONE_MAX} characters.` })
  @IsString({ message: 'phone must be a string.' })
  @IsOptional()
  phone?: string | null;

  @MaxLength(NAME_MAX, { message: `title must be at most ${NAME_MAX} characters.` })
  @IsString({ message: 'title must be a string.' })
  @IsOptional()
  title?: string | null;

  @MaxLength(NAME_MAX, { message: `employeeNumber must be at most ${NAME_MAX} characters.` })
  @IsString({ message: 'employeeNumber must be a string.' })
  @IsOptional()
  employeeNumber?: string | null;

  @MaxLength(NAME_MAX, { message: `npi must be at most ${NAME_MAX} characters.` })
  @IsString({ message: 'npi must be a string.' })
  @IsOptional()
  npi?: string | null;

  @MaxLength(NAME_MAX, { message: `dea must be at most ${NAME_MAX} characters.` })
  @IsString({ message: 'dea must be a string.' })
  @IsOptional()
  dea?: string | null;

  @Matches(/^\d{9}$/, { message: 'ssn must be exactly 9 digits.' })
  @IsString({ message: 'ssn must be a string of 9 digits.' })
  @IsOptional()
  ssn?: string | null;

  @IsEmpty({ message: 'externalId is not supported by CorEMR.' })
  externalId?: string | null;

  @IsEmpty({ message: 'tagId is not supported by CorEMR.' })
  tagId?: string | null;
}

export class CreateUserRules extends UserFieldRules {
  @PathSegment()
  @Matches(/^[^\s/]+$/, { message: 'username must not contain whitespace or "/".' })
  @MaxLength(NAME_MAX, { message: `username must be at most ${NAME_MAX} characters.` })
  @IsNotEmpty({ message: 'username is required.' })
  @IsString({ message: 'username is required.' })
  username?: string | null;

  @MaxLength(PASSWORD_MAX, { message: `password must be at most ${PASSWORD_MAX} characters.` })
  @IsNotEmpty({ message: 'password is required.' })
  @IsString({ message: 'password is required.' })
  password?: string | null;

  @MaxLength(NAME_MAX, { message: `firstName must be at most ${NAME_MAX} characters.` })
  @IsNotEmpty({ message: 'firstName is required.' })
  @IsString({ message: 'firstName is required.' })
  firstName?: string | null;

  @MaxLength(NAME_MAX, { message: `lastName must be at most ${NAME_MAX} characters.` })
  @IsNotEmpty({ message: 'lastName is required.' })
  @IsString({ message: 'lastName is required.' })
  lastName?: string | null;

  @IsBoolean({ message: 'active must be a boolean.' })
  @IsOptional()
  active?: boolean | null;

  @PathSegment({ each: true })
  @ArrayUnique({ message: 'userTypeIds must not repeat an id.' })
  @ArrayMinSize(1, { message: 'userTypeIds must hold at least one user type.' })
  @IsArray({ message: 'userTypeIds is required: CorEMR needs at least one user type.' })
  userTypeIds?: string[] | null;

  @PathSegment({ each: true })
  @ArrayUnique({ message: 'facilityIds must not repeat an id.' })
  @IsArray({ message: 'facilityIds must be a list.' })
  @IsOptional()
  facilityIds?: string[] | null;

  @Validate(PrimaryInFacilities)
  @IsOptional()
  primaryFacilityId?: string | null;
}

export class UpdateUserRules extends UserFieldRules {
  // undefined keeps the field; null would clear it, and CorEMR requires fname and lname.
  @MaxLength(NAME_MAX, { message: `firstName must be at most ${NAME_MAX} characters.` })
  @IsNotEmpty({ message: 'firstName cannot be cleared: CorEMR requires it.' })
  @IsString({ message: 'firstName cannot be cleared: CorEMR requires it.' })
  @ValidateIf((o: UpdateUserRules) => o.firstName !== undefined)
  firstName?: string | null;

  @MaxLength(NAME_MAX, { message: `lastName must be at most ${NAME_MAX} characters.` })
  @IsNotEmpty({ message: 'lastName cannot be cleared: CorEMR requires it.' })
  @IsString({ message: 'lastName cannot be cleared: CorEMR requires it.' })
  @ValidateIf((o: UpdateUserRules) => o.lastName !== undefined)
  lastName?: string | null;

  @IsBoolean({ message: 'active cannot be cleared: it must be true or false.' })
  @ValidateIf((o: UpdateUserRules) => o.active !== undefined)
  active?: boolean | null;

  @IsEmpty({ message: 'password can only be set when the user is created in CorEMR.' })
  password?: string | null;
}

/** The ids a write puts in vendor paths. */
export class TargetRules {
  @PathSegment()
  @IsOptional()
  userId?: string;

  @PathSegment()
  @IsOptional()
  userTypeId?: string;

  @PathSegment()
  @IsOptional()
  facilityId?: string;

  @IsBoolean({ message: 'primary must be a boolean.' })
  @IsOptional()
  primary?: boolean;
}

export async function validateWrite(write: WriteInput): Promise<UserErrorRecord[]> {
  switch (write.op) {
    case 'createUser':
      return check(new CreateUserRules(), write.input, 'input.');
    case 'updateUser':
      return [...(await check(new TargetRules(), { userId: write.nativeId }, '')), ...(await check(new UpdateUserRules(), write.input, 'input.'))];
    case 'setUserActive':
    case 'deleteUser':
      return check(new TargetRules(), { userId: write.nativeId }, '');
    case 'assignUserType':
    case 'removeUserType':
      return check(new TargetRules(), { userId: write.nativeId, userTypeId: write.userTypeId }, '');
    case 'grantFacilityAccess':
    case 'updateFacilityAccess':
      return check(new TargetRules(), { userId: write.nativeId, facilityId: write.facilityId, primary: write.primary }, '');
    case 'revokeFacilityAccess':
      return check(new TargetRules(), { userId: write.nativeId, facilityId: write.facilityId }, '');
  }
}

/** The kit's one rule runner (docs/kit.md): one error per field, the value never echoed. */
function check(rules: object, values: object, prefix: string): Promise<UserErrorRecord[]> {
  return checkRules(Object.assign(rules, values), prefix);
}
