import { Kind, type ASTVisitor, type GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { tooComplex, type LimitName, type QueryLimits } from './query-limits';
import { rootFieldCount } from './selections';

/**
 * The limits on a document's shape, as validation rules (they run before execution, so before any
 * resolver). Depth, aliases and directives are graphql-armor's rules (kept, tested against the
 * known bypasses such as fragment cycles); they report through `onReject`, where we swap their
 * error for our QUERY_TOO_COMPLEX one, so every limit answers the same way. Introspection's own
 * depth (`__schema { types { fields { type { ofType … } } } }`) is not counted.
 */
export function shapeRules(limits: QueryLimits): ValidationRule[] {
  const replace = (limit: LimitName) => [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(tooComplex(limit, limits[limit], found(err)))];
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, propagateOnRejection: false, onReject: replace('maxDepth') }),
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: replace('maxAliases') }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: replace('maxDirectives') }),
    maxRootFieldsRule(limits.maxRootFields),
  ];
}

/** armor says "… limit of 8 exceeded, found 9." — the count is ours to repeat, nothing else of it. */
function found(err: GraphQLError): number | undefined {
  const m = /found (\d+)/.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

function maxRootFieldsRule(max: number): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => ({
    OperationDefinition(op) {
      const n = rootFieldCount(op, ctx.getDocument());
      if (n > max) ctx.reportError(tooComplex('maxRootFields', max, n));
    },
    [Kind.DOCUMENT]: {},
  });
}
