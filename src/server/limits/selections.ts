import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * Field lists with fragments expanded, for the limits. Type conditions are ignored on purpose:
 * the limits are upper bounds, so a fragment's fields count whether or not it applies. A fragment
 * spread that loops (rejected by graphql-js's own rules anyway) is expanded once.
 */
export function fragmentsOf(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const out = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out.set(d.name.value, d);
  return out;
}

export function fieldsOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string> = new Set()): FieldNode[] {
  if (!set) return [];
  const out: FieldNode[] = [];
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(sel.selectionSet, fragments, seen));
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      out.push(...fieldsOf(fragments.get(sel.name.value)?.selectionSet, fragments, seen));
    }
  }
  return out;
}

/** The fields named `name` among `fields`' children. */
export function childFields(fields: FieldNode[], name: string, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  return fields.flatMap((f) => fieldsOf(f.selectionSet, fragments)).filter((f) => f.name.value === name);
}

export function rootFieldCount(op: OperationDefinitionNode, doc: DocumentNode): number {
  return fieldsOf(op.selectionSet, fragmentsOf(doc)).filter((f) => f.name.value !== '__typename').length;
}
