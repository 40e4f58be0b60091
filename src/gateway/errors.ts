import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isSourceError } from '../core/errors';

/**
 * Codes a client may see as they come from graphql-js / Apollo (parse, validation, bad request).
 * Everything that is neither one of these nor a SourceError is masked to INTERNAL_SERVER_ERROR.
 */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

interface ClassValidatorError {
  property: string;
  constraints?: Record<string, string>;
  children?: ClassValidatorError[];
}

/**
 * Whether an error thrown while executing is the gateway's own fault (masked, logged) rather than
 * a SourceError or a client mistake that graphql-js / Apollo / type-graphql reported.
 */
export function isInternalError(error: unknown, code: unknown): boolean {
  return !isSourceError(unwrapResolverError(error)) && !(typeof code === 'string' && CLIENT_CODES.has(code));
}

/**
 * Apollo `formatError`: every error leaves with a stable `extensions.code`, no stack trace, and no
 * echo of a rejected input value (graphql-js coercion messages quote the value; we cut it out).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };
  if (isSourceError(original)) {
    const extensions: Record<string, unknown> = { code: original.code };
    if (original.sourceId) extensions.source = original.sourceId;
    if (original.details.field) extensions.field = original.details.field;
    if (original.details.retryAfterSeconds != null) extensions.retryAfterSeconds = original.details.retryAfterSeconds;
    return { ...base, message: original.message, extensions };
  }
  const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : '';
  const validationErrors = (original as { extensions?: { validationErrors?: ClassValidatorError[] } } | null)?.extensions?.validationErrors;
  if (code === 'BAD_USER_INPUT' && Array.isArray(validationErrors)) {
    const fields = flatten(validationErrors, '');
    return {
      ...base,
      message: `Invalid input: ${fields.map((f) => f.message).join('; ')}`,
      extensions: { code: 'BAD_USER_INPUT', fields },
    };
  }
  if (!isInternalError(error, code)) return { ...base, message: withoutEchoedValue(formatted.message), extensions: { code } };
  return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** class-validator errors → [{ field: "filter.email", rules: ["isEmail"], message }] (no values). */
function flatten(errors: ClassValidatorError[], prefix: string): Array<{ field: string; rules: string[]; message: string }> {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints
      ? [{ field, rules: Object.keys(e.constraints), message: Object.values(e.constraints).map((m) => m.replace(new RegExp(`^${e.property}\\b`), field)).join(', ') }]
      : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * graphql-js says `Variable "$input" got invalid value { password: "…" }; Field "x" …` and
 * `Int cannot represent non-integer value: "abc"`: keep the variable, the path and the rule, drop values.
 */
export function withoutEchoedValue(message: string): string {
  const m = /^Variable "(\$[^"]+)" got invalid value [\s\S]*?(?: at "([^"]+)")?; ([^;]*)$/.exec(message);
  if (m) return `Variable "${m[1]}" has an invalid value${m[2] ? ` at "${m[2]}"` : ''}; ${stripValue(m[3]!)}`;
  return stripValue(message);
}

function stripValue(reason: string): string {
  return reason
    .replace(/ cannot represent [^:]*: [\s\S]*$/, ' cannot represent the given value.')
    .replace(/^Expected value of type ("[^"]+"), found [\s\S]*$/, 'Expected a value of type $1.')
    .replace(/, found [\s\S]*$/, '.');
}
