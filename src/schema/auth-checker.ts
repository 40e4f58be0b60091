import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { hasScope, isScope } from '../auth/caller';
import type { RequestScope } from '../service/request-scope';

/**
 * type-graphql's check for `@Authorized(scope)` fields (the PII fields of User). It runs on every
 * path a user record takes — `users` edges and nodes, `user`, `node`, mutation payloads — because
 * it is on the type, not on a resolver. A missing scope nulls that field only, with one FORBIDDEN
 * error at its path, so the sibling fields are still answered.
 */
export const scopeAuthChecker: AuthChecker<RequestScope> = ({ context, info }, scopes) => {
  const missing = scopes.find((s) => !isScope(s) || !hasScope(context.caller, s));
  if (missing === undefined) return true;
  throw new GraphQLError(`${info.fieldName} needs the ${missing} scope.`, { extensions: { code: 'FORBIDDEN', scope: missing } });
};
