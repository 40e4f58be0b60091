import { Kind, valueFromASTUntyped, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { ReadCosts } from '../../core/connector';
import { WRITE_OPERATIONS } from '../../core/connector';
import { decodeId } from '../../core/ids';
import { childFields, fieldsOf, fragmentsOf } from './selections';

/**
 * The cost of an operation in vendor calls (docs/callers-and-limits.md), estimated from the document before
 * anything runs, with each source's declared ReadCosts. An upper bound for one request:
 *  - `users(first: N, sources)`: every selected source may be asked for N users (a source that
 *    runs dry hands the rest to the next), so list pages add up; relations cost each touched
 *    source's once-per-request part plus N users' worth at the dearest source;
 *  - `user(id)` / `node(id)`: distinct ids grouped per source (the request's DataLoaders batch and
 *    dedupe them, so the same id twice is one call); an id that does not decode, or names a source the caller cannot see, costs 0
 *    because it is answered without a call;
 *  - catalogs and health: once per source and kind; a mutation: its source's `write` plus its
 *    payload's user relations.
 * Why not graphql-query-complexity: its estimators see a child's cost as one number, so they
 * cannot tell which sources a `users` field reads nor which relations its nodes select, and the
 * cost of a relation depends on both.
 */
export interface CostModel {
  /** The sources the caller may see, in configured order. */
  visibleSources: readonly string[];
  costsOf(sourceId: string): ReadCosts | undefined;
}

export interface OperationCost {
  cost: number;
  /** The largest `first` asked of a `users` field (for maxFirst). */
  largestFirst: number;
}

/** The `first` a `users` field gets when the query does not say (schema default). */
export const DEFAULT_FIRST = 50;

const WRITES = new Set<string>(WRITE_OPERATIONS);
type Relation = 'userTypesOf' | 'facilityAccessOf';

export function operationCost(doc: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown>, model: CostModel): OperationCost {
  const fragments = fragmentsOf(doc);
  const acc = new Accumulator(model);
  let largestFirst = 0;
  for (const field of fieldsOf(op.selectionSet, fragments)) {
    const name = field.name.value;
    const arg = (n: string) => argument(field, n, variables);
    if (op.operation === 'mutation') {
      if (!WRITES.has(name)) continue;
      const input = arg('input') as { source?: unknown } | undefined;
      const source = name === 'createUser' ? stringOr(input?.source) : sourceOfId(arg('id') ?? arg('userId'));
      if (!source || !model.costsOf(source) || !model.visibleSources.includes(source)) continue;
      acc.add(model.costsOf(source)!.write);
      acc.payloadUser(source, relationsOf(childFields([field], 'user', fragments), fragments));
      acc.health([source], field, fragments);
      continue;
    }
    switch (name) {
      case 'users': {
        const first = numberOr(arg('first'), DEFAULT_FIRST);
        largestFirst = Math.max(largestFirst, first);
        const requested = arg('sources');
        const sources = (Array.isArray(requested) ? requested.filter((s): s is string => typeof s === 'string') : model.visibleSources).filter((s) => model.visibleSources.includes(s));
        const nodes = [...childFields([field], 'nodes', fragments), ...childFields(childFields([field], 'edges', fragments), 'node', fragments)];
        acc.list(sources, first, relationsOf(nodes, fragments));
        acc.health(sources, field, fragments);
        break;
      }
      case 'user':
      case 'node': {
        const id = decoded(arg('id'));
        if (!id || !model.visibleSources.includes(id.sourceId)) break;
        if (id.type === 'User') acc.userLookup(id.sourceId, id.nativeId, relationsOf([field], fragments));
        else acc.catalog(id.sourceId, id.type === 'UserType' ? 'userTypes' : 'facilities');
        acc.health([id.sourceId], field, fragments);
        break;
      }
      case 'userTypes':
      case 'facilities': {
        const source = stringOr(arg('source'));
        if (source && model.visibleSources.includes(source)) {
          acc.catalog(source, name);
          acc.health([source], field, fragments);
        }
        break;
      }
      case 'sources':
        acc.health(model.visibleSources, field, fragments);
        break;
      default:
        break; // __typename, __schema, __type: no vendor call
    }
  }
  return { cost: acc.total(), largestFirst };
}

/** Running totals; per-request parts (catalogs, health, lookups by id) are counted once per source. */
class Accumulator {
  private sum = 0;
  /** Users looked up by id, per source: native id → the relations selected on it (DataLoaders dedupe both). */
  private readonly byId = new Map<string, Map<string, Set<Relation>>>();
  private readonly once = new Set<string>();

  constructor(private readonly model: CostModel) {}

  add(n: number): void {
    this.sum += n;
  }

  list(sources: readonly string[], first: number, relations: Relation[]): void {
    let dearest = 0;
    for (const s of sources) {
      const c = this.model.costsOf(s);
      if (!c) continue;
      this.sum += c.listUsers(first);
      let perUser = 0;
      for (const r of relations) {
        this.perRequest(s, r);
        perUser += c[r](first) - c[r](0);
      }
      dearest = Math.max(dearest, perUser);
    }
    // At most `first` users come back in all, so the per-user part is paid once, at the dearest source.
    this.sum += dearest;
  }

  /** One `user(id)`/`node(id)`: the same id twice in one request is one vendor call. */
  userLookup(source: string, nativeId: string, relations: Relation[]): void {
    if (!this.model.costsOf(source)) return;
    const ids = this.byId.get(source) ?? new Map<string, Set<Relation>>();
    this.byId.set(source, ids);
    const selected = ids.get(nativeId) ?? new Set<Relation>();
    ids.set(nativeId, selected);
    for (const r of relations) {
      this.perRequest(source, r);
      selected.add(r);
    }
  }

  /** A mutation payload's user: read again after the write (the writer clears its loaders), so per mutation. */
  payloadUser(source: string, relations: Relation[]): void {
    const c = this.model.costsOf(source);
    if (!c) return;
    for (const r of relations) {
      this.perRequest(source, r);
      this.sum += c[r](1) - c[r](0);
    }
  }

  catalog(source: string, kind: string): void {
    if (this.onceFor(`${source}\0catalog\0${kind}`)) this.sum += this.model.costsOf(source)?.catalog ?? 0;
  }

  /**
   * `Source.health` anywhere under a root field (sources { health }, users … source { health },
   * facilityAccess { facility { source { health } } }, a catalog entry's source): one check per source
   * the root field reads. It is the only field of Source that calls a vendor.
   */
  health(sources: readonly string[], root: FieldNode, fragments: Map<string, FragmentDefinitionNode>): void {
    if (!selectsAnywhere(root, 'health', fragments)) return;
    for (const s of sources) if (this.onceFor(`${s}\0health`)) this.sum += this.model.costsOf(s)?.health ?? 0;
  }

  total(): number {
    let t = this.sum;
    for (const [s, ids] of this.byId) {
      const c = this.model.costsOf(s)!;
      t += c.usersById(ids.size);
      for (const r of ['userTypesOf', 'facilityAccessOf'] as const) {
        const n = [...ids.values()].filter((rel) => rel.has(r)).length;
        t += c[r](n) - c[r](0);
      }
    }
    return t;
  }

  private perRequest(source: string, r: Relation): void {
    if (this.onceFor(`${source}\0${r}`)) this.sum += this.model.costsOf(source)?.[r](0) ?? 0;
  }

  private onceFor(key: string): boolean {
    if (this.once.has(key)) return false;
    this.once.add(key);
    return true;
  }
}

/** Whether `name` is selected at any depth below `field` (fragments expanded, each once). */
function selectsAnywhere(field: FieldNode, name: string, fragments: Map<string, FragmentDefinitionNode>, depth = 0): boolean {
  if (depth > 32) return false; // maxDepth refuses deeper documents before this runs
  return fieldsOf(field.selectionSet, fragments).some((f) => f.name.value === name || selectsAnywhere(f, name, fragments, depth + 1));
}

function relationsOf(userFields: FieldNode[], fragments: Map<string, FragmentDefinitionNode>): Relation[] {
  const out: Relation[] = [];
  if (childFields(userFields, 'userTypes', fragments).length) out.push('userTypesOf');
  if (childFields(userFields, 'facilityAccess', fragments).length) out.push('facilityAccessOf');
  return out;
}

function argument(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const node = field.arguments?.find((a) => a.name.value === name);
  if (!node) return undefined;
  if (node.value.kind === Kind.VARIABLE) return variables[node.value.name.value];
  return valueFromASTUntyped(node.value, variables);
}

function decoded(id: unknown) {
  if (typeof id !== 'string') return null;
  try {
    return decodeId(id);
  } catch {
    return null;
  }
}

function sourceOfId(id: unknown): string | null {
  return decoded(id)?.sourceId ?? null;
}

function stringOr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
