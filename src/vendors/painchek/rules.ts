import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEmpty,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import type { UserErrorRecord, WriteInput } from '../../core/writes';
import { checkRules } from '../../kit';
import { ROLES } from './mapper';

/**
 * PainChek's input rules, checked before any vendor call. Messages name the field and the rule,
 * never the rejected value. Lengths are Django's user-model limits (first/last name 150 characters,
 * e-mail 254); ids are UUIDs, which also makes them safe path segments.
 */

const rule = (field: string, text: string): ValidationOptions => ({ message: `${field} ${text}.` });
const unsupported = (field: string, hint = ''): ValidationOptions => ({ message: `${field} is not supported by PainChek${hint}.` });

/** Each message names its own field, so one rule per property is enough (stopAtFirstError). */
const sameAsEmail = (options: ValidationOptions) =>
  ValidateBy({ name: 'sameAsEmail', validator: { validate: (v, args) => typeof v === 'string' && v.toLowerCase() === String((args?.object as { email?: unknown }).email ?? '').toLowerCase() } }, options);
const oneOfFacilityIds = (options: ValidationOptions) =>
  ValidateBy({ name: 'oneOfFacilityIds', validator: { validate: (v, args) => { const ids = (args?.object as { facilityIds?: unknown }).facilityIds; return !Array.isArray(ids) || ids.includes(v); } } }, options);

/** Fields PainChek has no place for: rejected rather than silently dropped. */
class UnsupportedFields {
  @IsEmpty(unsupported('input.password', ': users set their password from the activation e-mail')) password?: unknown;
  @IsEmpty(unsupported('input.middleInitial')) middleInitial?: unknown;
  @IsEmpty(unsupported('input.employeeNumber', '; use input.externalId')) employeeNumber?: unknown;
  @IsEmpty(unsupported('input.npi')) npi?: unknown;
  @IsEmpty(unsupported('input.dea')) dea?: unknown;
  @IsEmpty(unsupported('input.ssn')) ssn?: unknown;
  @IsEmpty(unsupported('input.tagId')) tagId?: unknown;
}

class CreateUserRules extends UnsupportedFields {
  @IsString(rule('input.firstName', 'is required'))
  @IsNotEmpty(rule('input.firstName', 'must not be empty'))
  @MaxLength(150, rule('input.firstName', 'must be at most 150 characters'))
  firstName?: unknown;

  @IsString(rule('input.lastName', 'is required'))
  @IsNotEmpty(rule('input.lastName', 'must not be empty'))
  @MaxLength(150, rule('input.lastName', 'must be at most 150 characters'))
  lastName?: unknown;

  @IsString(rule('input.email', 'is required'))
  @IsEmail({}, rule('input.email', 'must be a well-formed e-mail address'))
  @MaxLength(254, rule('input.email', 'must be at most 254 characters'))
  email?: unknown;

  /** PainChek's login is the e-mail address: a username, if given, must be that address. */
  @IsOptional()
  @sameAsEmail(rule('input.username', 'must equal input.email (PainChek logs users in by e-mail)'))
  username?: unknown;

  @IsOptional() @IsString(rule('input.phone', 'must be a string')) phone?: unknown;
  @IsOptional() @IsString(rule('input.title', 'must be a string')) title?: unknown;
  @IsOptional() @IsString(rule('input.externalId', 'must be a string')) externalId?: unknown;
  @IsOptional() @IsBoolean(rule('input.active', 'must be a boolean')) active?: unknown;

  @IsArray(rule('input.userTypeIds', 'must hold exactly one role'))
  @ArrayMinSize(1, rule('input.userTypeIds', 'must hold exactly one role'))
  @ArrayMaxSize(1, rule('input.userTypeIds', 'must hold exactly one role (a PainChek user has a single role)'))
  @IsIn([...ROLES], { each: true, ...rule('input.userTypeIds', `must be one of ${ROLES.join(', ')}`) })
  userTypeIds?: unknown;

  @IsOptional()
  @IsArray(rule('input.facilityIds', 'must be a list'))
  @ArrayUnique(rule('input.facilityIds', 'must not repeat a facility'))
  @IsUUID('all', { each: true, ...rule('input.facilityIds', 'must contain only UUIDs') })
  facilityIds?: unknown;

  /** At most one primary by construction (a single id); it must be among facilityIds when both are given. */
  @IsOptional()
  @IsUUID('all', rule('input.primaryFacilityId', 'must be a UUID'))
  @oneOfFacilityIds(rule('input.primaryFacilityId', 'must be one of input.facilityIds'))
  primaryFacilityId?: unknown;
}

/** PATCH semantics: an absent field stays; required fields may not be cleared with null. */
class UpdateUserRules extends UnsupportedFields {
  @ValidateIf((o: UpdateUserRules) => o.firstName !== undefined)
  @IsString(rule('input.firstName', 'must be a non-empty string (it cannot be cleared)'))
  @IsNotEmpty(rule('input.firstName', 'must not be empty'))
  @MaxLength(150, rule('input.firstName', 'must be at most 150 characters'))
  firstName?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.lastName !== undefined)
  @IsString(rule('input.lastName', 'must be a non-empty string (it cannot be cleared)'))
  @IsNotEmpty(rule('input.lastName', 'must not be empty'))
  @MaxLength(150, rule('input.lastName', 'must be at most 150 characters'))
  lastName?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.email !== undefined)
  @IsString(rule('input.email', 'must be an e-mail address (it cannot be cleared)'))
  @IsEmail({}, rule('input.email', 'must be a well-formed e-mail address'))
  @MaxLength(254, rule('input.email', 'must be at most 254 characters'))
  email?: unknown;

  @ValidateIf((o: UpdateUserRules) => o.active !== undefined)
  @IsBoolean(rule('input.active', 'must be a boolean (it cannot be cleared)'))
  active?: unknown;

  @IsOptional() @IsString(rule('input.phone', 'must be a string')) phone?: unknown;
  @IsOptional() @IsString(rule('input.title', 'must be a string')) title?: unknown;
  @IsOptional() @IsString(rule('input.externalId', 'must be a string')) externalId?: unknown;
}

class UserIdRule {
  @IsUUID('all', rule('userId', 'must be a PainChek user UUID')) userId?: unknown;
}
class FacilityIdRule {
  @IsUUID('all', rule('facilityId', 'must be a PainChek site UUID')) facilityId?: unknown;
}
class UserTypeIdRule {
  @IsIn([...ROLES], rule('userTypeId', `must be one of ${ROLES.join(', ')}`)) userTypeId?: unknown;
}

/** The rule objects a write is checked against, with the prefix of their field paths. */
function targets(write: WriteInput): Array<{ target: object; prefix: string }> {
  const userId = { target: Object.assign(new UserIdRule(), { userId: 'nativeId' in write ? write.nativeId : undefined }), prefix: '' };
  switch (write.op) {
    case 'createUser':
      return [{ target: Object.assign(new CreateUserRules(), write.input), prefix: 'input.' }];
    case 'updateUser':
      return [userId, { target: Object.assign(new UpdateUserRules(), write.input), prefix: 'input.' }];
    case 'setUserActive':
    case 'deleteUser':
      return [userId];
    case 'assignUserType':
    case 'removeUserType':
      return [userId, { target: Object.assign(new UserTypeIdRule(), { userTypeId: write.userTypeId }), prefix: '' }];
    case 'grantFacilityAccess':
    case 'updateFacilityAccess':
    case 'revokeFacilityAccess':
      return [userId, { target: Object.assign(new FacilityIdRule(), { facilityId: write.facilityId }), prefix: '' }];
  }
}

/** Runs the rules of one write; no I/O. One error per field, the first rule it breaks. */
export async function validateWrite(write: WriteInput): Promise<UserErrorRecord[]> {
  const out: UserErrorRecord[] = [];
  for (const { target, prefix } of targets(write)) out.push(...(await checkRules(target, prefix)));
  return out;
}
