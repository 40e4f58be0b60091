import { Arg, Args, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { decodeId, type NodeType } from '../core/ids';
import { SourceError, isSourceError } from '../core/errors';
import type { CreateUserInput as CreateRecord, UpdateUserInput as UpdateRecord, WriteInput } from '../core/writes';
import type { GatewayContext } from '../gateway/context';
import { performWrite, type PayloadRecord } from '../gateway/mutations';
import { CreateUserArgs, KEY_DESCRIPTION, UpdateUserArgs, UserPayload } from './mutation.types';
import { presentUser } from './present';
import { stripUndefined } from '../core/objects';


/**
 * The write entry points (DESIGN.md §4). Thin: decode global ids, then performWrite (capability
 * check, vendor validation, idempotency, vendor calls). Problems with the input or the vendor come
 * back in `userErrors`; only malformed GraphQL input is a top-level error.
 */
@Resolver()
export class MutationResolver {
  @Mutation(() => UserPayload, { description: 'Creates a user in one source, with its user types and facility access.' })
  async createUser(@Args(() => CreateUserArgs) { input, idempotencyKey }: CreateUserArgs, @Ctx() ctx: GatewayContext) {
    return run(ctx, input.source, idempotencyKey ?? null, input, () => {
      const { source, userTypeIds, facilityIds, primaryFacilityId, ...rest } = input;
      const record: CreateRecord = {
        ...(stripUndefined(rest) as typeof rest),
        userTypeIds: userTypeIds?.map((id, i) => native(id, `input.userTypeIds[${i}]`, 'UserType', source)) ?? null,
        facilityIds: facilityIds?.map((id, i) => native(id, `input.facilityIds[${i}]`, 'Facility', source)) ?? null,
        primaryFacilityId: primaryFacilityId ? native(primaryFacilityId, 'input.primaryFacilityId', 'Facility', source) : null,
      };
      return { op: 'createUser', input: record };
    });
  }

  @Mutation(() => UserPayload, { description: 'Changes the given fields; every other field is preserved (read-modify-write where the vendor only replaces whole records).' })
  async updateUser(@Args(() => UpdateUserArgs) { id, input, idempotencyKey }: UpdateUserArgs, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, id, idempotencyKey ?? null, { input }, (nativeId) => ({ op: 'updateUser', nativeId, input: stripUndefined(input) as UpdateRecord }));
  }

  @Mutation(() => UserPayload, { description: 'Deactivates (active: false) or reactivates a user — the off-boarding operation every vendor supports.' })
  async setUserActive(@Arg('id', () => ID) id: string, @Arg('active', () => Boolean) active: boolean, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, id, key, { active }, (nativeId) => ({ op: 'setUserActive', nativeId, active }));
  }

  @Mutation(() => UserPayload, { description: 'Deletes a user where the vendor allows it; elsewhere UNSUPPORTED_BY_VENDOR tells you to deactivate instead.' })
  async deleteUser(@Arg('id', () => ID) id: string, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, id, key, {}, (nativeId) => ({ op: 'deleteUser', nativeId }), id);
  }

  @Mutation(() => UserPayload)
  async assignUserType(@Arg('userId', () => ID) userId: string, @Arg('userTypeId', () => ID) userTypeId: string, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, userId, key, { userTypeId }, (nativeId, source) => ({ op: 'assignUserType', nativeId, userTypeId: native(userTypeId, 'userTypeId', 'UserType', source) }), undefined, 'userId');
  }

  @Mutation(() => UserPayload)
  async removeUserType(@Arg('userId', () => ID) userId: string, @Arg('userTypeId', () => ID) userTypeId: string, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, userId, key, { userTypeId }, (nativeId, source) => ({ op: 'removeUserType', nativeId, userTypeId: native(userTypeId, 'userTypeId', 'UserType', source) }), undefined, 'userId');
  }

  @Mutation(() => UserPayload)
  async grantFacilityAccess(@Arg('userId', () => ID) userId: string, @Arg('facilityId', () => ID) facilityId: string, @Arg('primary', () => Boolean, { defaultValue: false }) primary: boolean, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, userId, key, { facilityId, primary }, (nativeId, source) => ({ op: 'grantFacilityAccess', nativeId, facilityId: native(facilityId, 'facilityId', 'Facility', source), primary }), undefined, 'userId');
  }

  @Mutation(() => UserPayload, { description: 'Makes a granted facility the primary one (or not).' })
  async updateFacilityAccess(@Arg('userId', () => ID) userId: string, @Arg('facilityId', () => ID) facilityId: string, @Arg('primary', () => Boolean) primary: boolean, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, userId, key, { facilityId, primary }, (nativeId, source) => ({ op: 'updateFacilityAccess', nativeId, facilityId: native(facilityId, 'facilityId', 'Facility', source), primary }), undefined, 'userId');
  }

  @Mutation(() => UserPayload)
  async revokeFacilityAccess(@Arg('userId', () => ID) userId: string, @Arg('facilityId', () => ID) facilityId: string, @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DESCRIPTION }) key: string | null, @Ctx() ctx: GatewayContext) {
    return runOnUser(ctx, userId, key, { facilityId }, (nativeId, source) => ({ op: 'revokeFacilityAccess', nativeId, facilityId: native(facilityId, 'facilityId', 'Facility', source) }), undefined, 'userId');
  }
}

/** A global id of the expected type and source → its native id (BAD_USER_INPUT naming the field otherwise). */
function native(id: string, field: string, type: NodeType, sourceId: string): string {
  const d = decodeId(id, field, type);
  if (d.sourceId !== sourceId) throw new SourceError('BAD_USER_INPUT', sourceId, `${field} belongs to another source.`, { field });
  return d.nativeId;
}

async function runOnUser(ctx: GatewayContext, id: string, key: string | null, args: object, build: (nativeId: string, sourceId: string) => WriteInput, deletedUserId?: string, idField = 'id') {
  let user: { sourceId: string; nativeId: string };
  try {
    user = decodeId(id, idField, 'User');
  } catch (err) {
    return userInputProblem(err);
  }
  return run(ctx, user.sourceId, key, { id, ...args }, () => build(user.nativeId, user.sourceId), deletedUserId);
}

async function run(ctx: GatewayContext, sourceId: string, key: string | null, fingerprintInput: unknown, build: () => WriteInput, deletedUserId?: string) {
  if (key != null && (key.length < 1 || key.length > 255)) return present(userErrorPayload('idempotencyKey', 'BAD_USER_INPUT', 'idempotencyKey must be 1–255 characters.'));
  let write: WriteInput;
  try {
    write = build();
  } catch (err) {
    return userInputProblem(err);
  }
  return present(await performWrite(ctx, sourceId, write, { idempotencyKey: key, fingerprintInput, deletedUserId }));
}

/** Id decoding problems (malformed, wrong type, other source) are user errors of the payload. */
function userInputProblem(err: unknown) {
  if (isSourceError(err)) return present(userErrorPayload(err.details.field ?? null, err.code, err.message));
  throw err;
}

function userErrorPayload(field: string | null, code: string, message: string): PayloadRecord {
  return { user: null, deletedUserId: null, userErrors: [{ field, code: code as PayloadRecord['userErrors'][number]['code'], message }], steps: [], replayed: false };
}

function present(p: PayloadRecord) {
  return { ...p, user: p.user ? presentUser(p.user) : null };
}
