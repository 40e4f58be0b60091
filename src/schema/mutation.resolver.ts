import { Args, Ctx, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import { auditRejectedArguments } from './audit-rejected-arguments';
import { decodeId, type NodeType } from '../core/ids';
import { SourceError } from '../core/errors';
import { stripUndefined } from '../core/objects';
import type { CreateUserInput as CreateRecord, UpdateUserInput as UpdateRecord } from '../core/writes';
import type { RequestScope } from '../service/request-scope';
import { performWrite } from '../service/write-pipeline';
import type { PayloadRecord } from '../service/payload';
import {
  CreateUserArgs,
  DeleteUserArgs,
  GrantFacilityAccessArgs,
  RevokeFacilityAccessArgs,
  SetUserActiveArgs,
  UpdateFacilityAccessArgs,
  UpdateUserArgs,
  UserPayload,
  UserTypeChangeArgs,
} from './mutation.types';
import { presentUser } from './present';

/**
 * The write entry points (docs/architecture.md §4). Thin: describe the write (target, how to build it from
 * the decoded target, the changed field names) and hand it to the write pipeline, which checks
 * scope, grant, capability and rules before any vendor call. Problems come back in `userErrors`;
 * only malformed GraphQL input (types, class-validator rules) is a top-level error.
 */
@Resolver()
@UseMiddleware(auditRejectedArguments)
export class MutationResolver {
  @Mutation(() => UserPayload, { description: 'Creates a user in one source, with its user types and facility access.' })
  async createUser(@Args(() => CreateUserArgs) { input, idempotencyKey }: CreateUserArgs, @Ctx() scope: RequestScope) {
    const { source, userTypeIds, facilityIds, primaryFacilityId, ...rest } = input;
    return present(
      await performWrite(scope, {
        op: 'createUser',
        target: { sourceId: source, field: 'input.source' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: input,
        changedFields: fieldNames(input, ['source']),
        build: (sourceId) => {
          const record: CreateRecord = {
            ...(stripUndefined(rest) as typeof rest),
            userTypeIds: userTypeIds?.map((id, i) => native(id, `input.userTypeIds[${i}]`, 'UserType', sourceId)) ?? null,
            facilityIds: facilityIds?.map((id, i) => native(id, `input.facilityIds[${i}]`, 'Facility', sourceId)) ?? null,
            primaryFacilityId: primaryFacilityId ? native(primaryFacilityId, 'input.primaryFacilityId', 'Facility', sourceId) : null,
          };
          return { op: 'createUser', input: record };
        },
      }),
    );
  }

  @Mutation(() => UserPayload, { description: 'Changes the given fields; every other field is preserved (read-modify-write where the vendor only replaces whole records).' })
  async updateUser(@Args(() => UpdateUserArgs) { id, input, idempotencyKey }: UpdateUserArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'updateUser',
        target: { userId: id, field: 'id' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id, input },
        changedFields: fieldNames(input, []),
        build: (_, nativeId) => ({ op: 'updateUser', nativeId, input: stripUndefined(input) as UpdateRecord }),
      }),
    );
  }

  @Mutation(() => UserPayload, { description: 'Deactivates (active: false) or reactivates a user — the off-boarding operation every vendor supports.' })
  async setUserActive(@Args(() => SetUserActiveArgs) { id, active, idempotencyKey }: SetUserActiveArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'setUserActive',
        target: { userId: id, field: 'id' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id, active },
        changedFields: ['active'],
        build: (_, nativeId) => ({ op: 'setUserActive', nativeId, active }),
      }),
    );
  }

  @Mutation(() => UserPayload, { description: 'Deletes a user where the vendor allows it; elsewhere UNSUPPORTED_BY_VENDOR tells you to deactivate instead.' })
  async deleteUser(@Args(() => DeleteUserArgs) { id, idempotencyKey }: DeleteUserArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'deleteUser',
        target: { userId: id, field: 'id' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id },
        changedFields: [],
        build: (_, nativeId) => ({ op: 'deleteUser', nativeId }),
      }),
    );
  }

  @Mutation(() => UserPayload)
  async assignUserType(@Args(() => UserTypeChangeArgs) { userId, userTypeId, idempotencyKey }: UserTypeChangeArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'assignUserType',
        target: { userId, field: 'userId' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id: userId, userTypeId },
        changedFields: ['userTypes'],
        build: (sourceId, nativeId) => ({ op: 'assignUserType', nativeId, userTypeId: native(userTypeId, 'userTypeId', 'UserType', sourceId) }),
      }),
    );
  }

  @Mutation(() => UserPayload)
  async removeUserType(@Args(() => UserTypeChangeArgs) { userId, userTypeId, idempotencyKey }: UserTypeChangeArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'removeUserType',
        target: { userId, field: 'userId' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id: userId, userTypeId },
        changedFields: ['userTypes'],
        build: (sourceId, nativeId) => ({ op: 'removeUserType', nativeId, userTypeId: native(userTypeId, 'userTypeId', 'UserType', sourceId) }),
      }),
    );
  }

  @Mutation(() => UserPayload)
  async grantFacilityAccess(@Args(() => GrantFacilityAccessArgs) { userId, facilityId, primary, idempotencyKey }: GrantFacilityAccessArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'grantFacilityAccess',
        target: { userId, field: 'userId' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id: userId, facilityId, primary },
        changedFields: ['facilityAccess'],
        build: (sourceId, nativeId) => ({ op: 'grantFacilityAccess', nativeId, facilityId: native(facilityId, 'facilityId', 'Facility', sourceId), primary }),
      }),
    );
  }

  @Mutation(() => UserPayload, { description: 'Makes a granted facility the primary one (or not).' })
  async updateFacilityAccess(@Args(() => UpdateFacilityAccessArgs) { userId, facilityId, primary, idempotencyKey }: UpdateFacilityAccessArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'updateFacilityAccess',
        target: { userId, field: 'userId' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id: userId, facilityId, primary },
        changedFields: ['facilityAccess'],
        build: (sourceId, nativeId) => ({ op: 'updateFacilityAccess', nativeId, facilityId: native(facilityId, 'facilityId', 'Facility', sourceId), primary }),
      }),
    );
  }

  @Mutation(() => UserPayload)
  async revokeFacilityAccess(@Args(() => RevokeFacilityAccessArgs) { userId, facilityId, idempotencyKey }: RevokeFacilityAccessArgs, @Ctx() scope: RequestScope) {
    return present(
      await performWrite(scope, {
        op: 'revokeFacilityAccess',
        target: { userId, field: 'userId' },
        idempotencyKey: idempotencyKey ?? null,
        fingerprintInput: { id: userId, facilityId },
        changedFields: ['facilityAccess'],
        build: (sourceId, nativeId) => ({ op: 'revokeFacilityAccess', nativeId, facilityId: native(facilityId, 'facilityId', 'Facility', sourceId) }),
      }),
    );
  }
}

/** A global id of the expected type and source → its native id (BAD_USER_INPUT naming the field otherwise). */
function native(id: string, field: string, type: NodeType, sourceId: string): string {
  const d = decodeId(id, field, type);
  if (d.sourceId !== sourceId) throw new SourceError('BAD_USER_INPUT', sourceId, `${field} belongs to another source.`, { field });
  return d.nativeId;
}

/** The names of the fields an input sets (values never leave this function). */
function fieldNames(input: object, except: string[]): string[] {
  return Object.entries(input)
    .filter(([k, v]) => v !== undefined && !except.includes(k))
    .map(([k]) => k)
    .sort();
}

function present(p: PayloadRecord) {
  return { ...p, user: p.user ? presentUser(p.user) : null };
}
