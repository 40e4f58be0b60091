import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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
  // Ours, thrown as GraphQLErrors before or outside resolvers (auth checker, access and limits plugins).
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
]);

/** Extensions of ours that a client may see, next to `code`. Everything else (e.g. `http`) stays inside. */
const SAFE_EXTENSIONS = ['limit', 'max', 'scope'] as const;

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
export function formatError(formatted: GraphQLFormattedError, error: unknown, options: { suggestions: boolean } = { suggestions: true }): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { locations: formatted.locations, path: formatted.path };
  const ours = ownError(error);
  if (ours) {
    const extensions: Record<string, unknown> = { code: ours.extensions.code };
    for (const k of SAFE_EXTENSIONS) if (ours.extensions[k] !== undefined) extensions[k] = ours.extensions[k];
    return { ...base, message: ours.message, extensions };
  }
  const tokens = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/.exec(formatted.message);
  if (tokens) {
    // graphql-js's own maxTokens parse option (server.limits.maxTokens) stopped the parser
    // (graphql 16 spells it "more that"; both spellings are matched).
    return { ...base, message: `The query is over the maxTokens limit of ${tokens[1]}.`, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens', max: Number(tokens[1]) } };
  }
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
  if (!isInternalError(error, code)) {
    const message = withoutEchoedValue(formatted.message);
    // With introspection off, "Did you mean …?" would hand out the schema one guess at a time.
    return { ...base, message: options.suggestions ? message : withoutSuggestions(message), extensions: { code } };
  }
  return { ...base, message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * An error we raised with one of our codes (limits, access, auth checker), found through Apollo's
 * wrappers (a validation rule's error arrives as the originalError of Apollo's ValidationError).
 */
function ownError(error: unknown): GraphQLError | null {
  for (let e: unknown = error, i = 0; e && i < 4; e = (e as GraphQLError).originalError, i++) {
    if (e instanceof GraphQLError && OWN_CODES.has(e.extensions?.code as string)) return e;
  }
  return null;
}
const OWN_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'QUERY_TOO_COMPLEX']);

export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
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
