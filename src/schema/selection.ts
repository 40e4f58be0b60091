import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

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
