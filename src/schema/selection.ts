import { getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionNode, type SelectionSetNode } from 'graphql';

/**
 * Whether a field named `name` is selected anywhere below the current field (through inline
 * fragments and fragment spreads). `users` uses it to tell readers which relations will be asked
 * for, so catalogs can load in parallel with the first list page instead of after it.
 */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    for (const sel of set.selections) {
      if (sel.kind === 'Field') {
        if (sel.name.value === name || walk(sel.selectionSet)) return true;
      } else if (sel.kind === 'InlineFragment') {
        if (walk(sel.selectionSet)) return true;
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag: FragmentDefinitionNode | undefined = info.fragments[sel.name.value];
        if (walk(frag?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((f: FieldNode) => walk(f.selectionSet));
}

/**
 * The fields asked on every user of a `users` page: those in `nodes { … }` and `edges { node { … } }`
 * of this field, through fragments on User, leaving out what a @skip or @include turns off.
 * Unlike `selects` it never answers yes for a field graphql will not ask: the walk starts the
 * per-user vendor calls of these fields before graphql gets to them (docs/architecture.md §10), and
 * a call for a field nobody asks is a wasted vendor call.
 */
export function pageNodeFields(info: GraphQLResolveInfo): Set<string> {
  const found = new Set<string>();
  const users = collect(info, info.fieldNodes.map((f) => f.selectionSet));
  for (const field of users) {
    if (field.name.value === 'nodes') for (const f of collect(info, [field.selectionSet])) found.add(f.name.value);
    if (field.name.value !== 'edges') continue;
    for (const edge of collect(info, [field.selectionSet])) {
      if (edge.name.value === 'node') for (const f of collect(info, [edge.selectionSet])) found.add(f.name.value);
    }
  }
  return found;
}

/** The fields of these selection sets that graphql will execute, through fragments without a type condition or on the `User`/connection types themselves. */
function collect(info: GraphQLResolveInfo, sets: Array<SelectionSetNode | undefined>, seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (!included(info, sel)) continue;
      if (sel.kind === 'Field') out.push(sel);
      else if (sel.kind === 'InlineFragment') {
        if (!sel.typeCondition || PAGE_TYPES.has(sel.typeCondition.name.value)) visit(sel.selectionSet);
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const frag: FragmentDefinitionNode | undefined = info.fragments[sel.name.value];
        if (frag && PAGE_TYPES.has(frag.typeCondition.name.value)) visit(frag.selectionSet);
      }
    }
  };
  sets.forEach(visit);
  return out;
}

/** The types along users → edges → node: a fragment on another type (an interface) is left out, which only means no early start. */
const PAGE_TYPES: ReadonlySet<string> = new Set(['UserConnection', 'UserEdge', 'User']);

function included(info: GraphQLResolveInfo, node: SelectionNode): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}
