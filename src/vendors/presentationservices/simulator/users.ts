import { randomUUID } from 'node:crypto';
import type { Router } from '../../../sim/router';
import type { SimRequest, SimResponse } from '../../../sim/types';
import { authenticate, isResponse, type Caller } from './auth';
import { deleteParams, failure, formParams, ok, validationFailure, value, type Params } from './envelope';
import type { SimUser, SimUserStatus } from './model';
import type { SimState } from './state';
import { validateCreate, validateUpdate } from './validation';

/**
 * User routes (DESIGN §9; GET routes inferred). Permissions come from the caller's role and are
 * per organization (the doc's permissions carry organizationId): read_user to list or read a
 * user of that organization (callers may always read themselves), create_user, update_user
 * (self-edits allowed without it unless they change organization, facility or role) and
 * delete_user. A user the caller may not read is 404, like an unknown one.
 */
export function addUserRoutes(router: Router, base: string, state: SimState): void {
  type Handler = (caller: SimUser, params: Params, req: SimRequest) => SimResponse;
  const onQuery = (fn: Handler) => (req: SimRequest) => run(req.query, req, fn);
  const onForm = (fn: Handler) => (req: SimRequest) => {
    const params = formParams(req);
    return isResponse(params) ? params : run(params, req, fn);
  };
  const onDelete = (fn: Handler) => (req: SimRequest) => run(deleteParams(req), req, fn);
  function run(params: Params, req: SimRequest, fn: Handler): SimResponse {
    const caller = authenticate(state, params, { temporalAllowed: false });
    if (isResponse(caller)) return caller;
    return fn((caller as Caller).user!, params, req);
  }
  const visible = (caller: SimUser, u: SimUser) => u.userId === caller.userId || state.can(caller, 'read_user', u.organizationId);
  const publicUser = (u: SimUser) => {
    const role = state.role(u.roleId);
    // The login accountFact's shape plus names, email and status; never password, pin or tagId.
    return {
      userId: u.userId,
      username: u.username,
      firstName: u.firstName,
      lastName: u.lastName,
      email: u.email,
      organizationId: u.organizationId,
      facilityId: u.facilityId,
      role: { id: u.roleId, name: role?.name ?? null },
      status: u.status,
    };
  };
  const notFound = () => failure(404, 'User not found');

  router.add('GET', `${base}/users`, onQuery((caller) => ok([...state.users.values()].filter((u) => visible(caller, u)).map(publicUser))));

  router.add('GET', `${base}/users/:id`, onQuery((caller, _p, req) => {
    const u = state.users.get(req.params.id!);
    return u && visible(caller, u) ? ok(publicUser(u)) : notFound();
  }));

  router.add('POST', `${base}/users`, onForm((caller, p) => {
    const errors = validateCreate(state, p);
    if (errors.length) return validationFailure(errors);
    const organization = value(p, 'organization')!;
    if (!state.can(caller, 'create_user', organization)) return failure(403, 'Permission denied');
    // New users get a UUID userId, like the doc's update sample (354a7aae-…).
    const user: SimUser = {
      userId: randomUUID(),
      username: value(p, 'username')!,
      firstName: value(p, 'firstName')!,
      lastName: value(p, 'lastName')!,
      email: value(p, 'email')!,
      password: value(p, 'password')!,
      pin: value(p, 'pin'),
      tagId: value(p, 'tagId'),
      organizationId: organization,
      facilityId: value(p, 'facility')!,
      roleId: Number(value(p, 'role')),
      status: value(p, 'status') as SimUserStatus,
    };
    state.users.set(user.userId, user);
    return ok(publicUser(user));
  }));

  router.add('POST', `${base}/users/:id`, onForm((caller, p, req) => {
    const target = state.users.get(req.params.id!);
    if (!target || !visible(caller, target)) return notFound();
    const errors = validateUpdate(state, p, target, caller);
    if (errors.length) return validationFailure(errors);
    const organization = value(p, 'organization')!;
    const facility = value(p, 'facility')!;
    const roleId = Number(value(p, 'role'));
    const moves = organization !== target.organizationId || facility !== target.facilityId || roleId !== target.roleId;
    const self = caller.userId === target.userId;
    const allowed = (self && !moves) || (state.can(caller, 'update_user', target.organizationId) && state.can(caller, 'update_user', organization));
    if (!allowed) return failure(403, 'Permission denied');
    target.firstName = value(p, 'firstName')!;
    target.lastName = value(p, 'lastName')!;
    target.organizationId = organization;
    target.facilityId = facility;
    target.roleId = roleId;
    // Empty or missing: unchanged (doc).
    target.email = value(p, 'email') ?? target.email;
    target.password = value(p, 'password') ?? target.password;
    target.tagId = value(p, 'tagId') ?? target.tagId;
    target.status = (value(p, 'status') as SimUserStatus | null) ?? target.status;
    if (target.status === 'SUSPENDED') state.dropSessionsOf(target.userId);
    return ok(publicUser(target));
  }));

  router.add('DELETE', `${base}/users/:id`, onDelete((caller, _p, req) => {
    const target = state.users.get(req.params.id!);
    if (!target || !visible(caller, target)) return notFound();
    if (!state.can(caller, 'delete_user', target.organizationId)) return failure(403, 'Permission denied');
    state.users.delete(target.userId);
    state.dropSessionsOf(target.userId);
    return ok(null);
  }));
}
