import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmpty,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  isEmail,
  registerDecorator,
} from 'class-validator';
import type { CreateUserInput, UpdateUserInput, UserErrorRecord, WriteInput } from '../../core/writes';
import { IsPathSegment, checkRules } from '../../kit';

/**
 * iCure's input rules, checked before any vendor call. Every message names the field and the rule
 * and never the rejected value (no `$value` placeholders).
 *
 * The iCure user has one `name`, a login, an email, a mobile phone, roles and a status; unified
 * fields with no home on it (title, npi, …, facilities) are refused rather than silently dropped.
 */

const NOT_STORED = 'is not supported: the iCure user record has no such field.';

/** A cross-field rule that runs even when the property is missing (IsOptional would skip it). */
function Rule(name: string, message: string, test: (value: unknown, object: Record<string, unknown>) => boolean): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message },
      validator: { validate: (value: unknown, args) => test(value, (args?.object ?? {}) as Record<string, unknown>) },
    });
}

const blank = (v: unknown) => v == null || (typeof v === 'string' && v.trim() === '');
const EMAIL_MESSAGE = 'input.email must be a valid email address.';
const isEmailOrNull = (v: unknown) => v == null || (typeof v === 'string' && isEmail(v));

/** Fields shared by create and update. */
class CommonUserRules {
  @IsOptional()
  @IsString({ message: 'input.phone must be a string.' })
  @IsNotEmpty({ message: 'input.phone must not be empty (use null to clear it).' })
  phone?: string | null;

  @IsOptional()
  @IsString({ message: 'input.password must be a string.' })
  @IsNotEmpty({ message: 'input.password must not be empty.' })
  // iCure stores a 64-character alphanumeric value as an already-hashed secret instead of hashing it.
  @Matches(/^(?![0-9A-Za-z]{64}$)/s, { message: 'input.password must not be exactly 64 letters and digits (iCure would take it for a hash).' })
  password?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'input.active must be a boolean.' })
  active?: boolean | null;

  @IsEmpty({ message: `input.middleInitial ${NOT_STORED}` }) middleInitial?: string | null;
  @IsEmpty({ message: `input.title ${NOT_STORED}` }) title?: string | null;
  @IsEmpty({ message: `input.employeeNumber ${NOT_STORED}` }) employeeNumber?: string | null;
  @IsEmpty({ message: `input.npi ${NOT_STORED}` }) npi?: string | null;
  @IsEmpty({ message: `input.dea ${NOT_STORED}` }) dea?: string | null;
  @IsEmpty({ message: `input.externalId ${NOT_STORED}` }) externalId?: string | null;
  @IsEmpty({ message: `input.ssn ${NOT_STORED}` }) ssn?: string | null;
  @IsEmpty({ message: `input.tagId ${NOT_STORED}` }) tagId?: string | null;
}

export class CreateUserRules extends CommonUserRules {
  @IsOptional()
  @IsString({ message: 'input.username must be a string.' })
  @Matches(/\S/, { message: 'input.username must not be blank.' })
  username?: string | null;

  // The login defaults to the email, so one of the two is required (Kraken: "Email or Login have to be set").
  @Rule('loginOrEmail', 'input.email is required when input.username is not given: iCure needs a login or an email.', (_v, o) => !blank(o.username) || !blank(o.email))
  @Rule('emailFormat', EMAIL_MESSAGE, isEmailOrNull)
  email?: string | null;

  @IsOptional()
  @IsString({ message: 'input.firstName must be a string.' })
  firstName?: string | null;

  @IsOptional()
  @IsString({ message: 'input.lastName must be a string.' })
  lastName?: string | null;

  @IsOptional()
  @IsArray({ message: 'input.userTypeIds must be a list of role names.' })
  @IsString({ each: true, message: 'input.userTypeIds must contain only strings.' })
  @Matches(/\S/, { each: true, message: 'input.userTypeIds must not contain blank role names.' })
  userTypeIds?: string[] | null;

  @IsOptional()
  @ArrayMaxSize(0, { message: 'input.facilityIds is not supported: iCure users have no facility access.' })
  facilityIds?: string[] | null;

  @IsEmpty({ message: 'input.primaryFacilityId is not supported: iCure users have no facility access.' })
  primaryFacilityId?: string | null;
}

export class UpdateUserRules extends CommonUserRules {
  @Rule('emailFormat', EMAIL_MESSAGE, isEmailOrNull)
  email?: string | null;

  // iCure keeps one full name: replacing half of it would drop the other half, so both come together.
  // (No IsOptional here: it would skip the pairing rule exactly when the other half is missing.)
  @Rule('nameTogether', 'input.firstName is required when input.lastName is given: iCure stores one full name.', (v, o) => o.lastName === undefined || v !== undefined)
  @Rule('isString', 'input.firstName must be a string.', (v) => v == null || typeof v === 'string')
  firstName?: string | null;

  @Rule('nameTogether', 'input.lastName is required when input.firstName is given: iCure stores one full name.', (v, o) => o.firstName === undefined || v !== undefined)
  @Rule('isString', 'input.lastName must be a string.', (v) => v == null || typeof v === 'string')
  lastName?: string | null;
}

export class UserIdRules {
  @IsString({ message: 'userId must be a string.' })
  @IsPathSegment({ message: 'userId must be a non-empty id other than "." and "..".' })
  userId!: string;
}

export class UserTypeIdRules extends UserIdRules {
  @IsString({ message: 'userTypeId must be a string.' })
  @Matches(/\S/, { message: 'userTypeId must be a non-blank role name.' })
  userTypeId!: string;
}

/** Runs the rules of one write; [] when it may go ahead. Pure: no I/O. */
export async function validateWrite(write: WriteInput): Promise<UserErrorRecord[]> {
  switch (write.op) {
    case 'createUser':
      return check(Object.assign(new CreateUserRules(), pickInput(write.input)), 'input.');
    case 'updateUser':
      return [...(await ids(write.nativeId)), ...(await check(Object.assign(new UpdateUserRules(), pickInput(write.input)), 'input.'))];
    case 'assignUserType':
    case 'removeUserType':
      return check(Object.assign(new UserTypeIdRules(), { userId: write.nativeId, userTypeId: write.userTypeId }), '');
    default:
      return ids(write.nativeId);
  }
}

function ids(userId: string): Promise<UserErrorRecord[]> {
  return check(Object.assign(new UserIdRules(), { userId }), '');
}

/** Only the declared input keys: never copy anything else onto a rules object. */
function pickInput(input: CreateUserInput | UpdateUserInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** The kit's one rule runner (docs/kit.md). */
function check(target: object, fieldPrefix: string): Promise<UserErrorRecord[]> {
  return checkRules(target, fieldPrefix);
}
