import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, visit, type DefinitionNode, type FragmentDefinitionNode } from 'graphql';

/**
 * The IDE's opening tabs, taken from the README's ```graphql examples so the IDE and the README
 * cannot drift apart (test/e2e/readme-examples.test.ts runs every example against the schema).
 * One tab per query, in README order, each with the comment lines above it; then one tab holding
 * every mutation, so an analyst who only reads never has a write one click away.
 */
export interface IdeTab {
  /** The query editor's text. */
  query: string;
  /** The variables editor's text: every variable of the tab's operations set to null, or absent. */
  variables?: string;
}

/** Used when the README is missing or holds no graphql block (e.g. an install without docs). */
export const FALLBACK_TABS: readonly IdeTab[] = [
  {
    query: `# Which sources are configured, and are they up?
query Sources {
  sources { id vendor name capabilities { userTypeCatalog facilityCatalog } health { status latencyMs } }
}`,
  },
  {
    query: `# The first page of everyone.
query FirstUsers {
  users(first: 10) {
    edges { node { id displayName status source { id } userTypes { name } facilityAccess { primary facility { code name } } } }
    pageInfo { hasNextPage endCursor }
    sourceErrors { source code message }
  }
}`,
  },
];

interface Chunk {
  kind: 'query' | 'mutation';
  /** The operation with its leading comments. */
  text: string;
  /** The fragments it spreads (name and text), appended once per tab. */
  fragments: Array<[string, string]>;
  variables: string[];
}

/** The tabs for a Markdown document; [] when it has no ```graphql block. Pure. */
export function exampleTabs(markdown: string): IdeTab[] {
  const blocks = [...markdown.replace(/\r\n?/g, '\n').matchAll(/^ {0,3}```graphql[^\S\n]*\n([\s\S]*?)^ {0,3}```/gm)].map((m) => m[1]!);
  const chunks = blocks.flatMap(splitBlock);
  const tabs = chunks.filter((c) => c.kind === 'query').map((c) => tab([c]));
  const mutations = chunks.filter((c) => c.kind === 'mutation');
  if (mutations.length) tabs.push(tab(mutations));
  return tabs;
}

/** Reads the README once (call it at start) and builds its tabs, or the fallback. */
export function loadExampleTabs(readmePath: string | null = findReadme(__dirname)): IdeTab[] {
  if (readmePath === null) return [...FALLBACK_TABS];
  let markdown: string;
  try {
    markdown = readFileSync(readmePath, 'utf8');
  } catch {
    return [...FALLBACK_TABS];
  }
  const tabs = exampleTabs(markdown);
  return tabs.length ? tabs : [...FALLBACK_TABS];
}

/**
 * The package's README.md: the nearest directory above `from` that holds both staffgraph's
 * package.json and README.md. Walking up works from src/server and from dist/src/server alike
 * (tsc may copy package.json into dist/, but never the README).
 */
export function findReadme(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const readme = join(dir, 'README.md');
    if (existsSync(readme) && isStaffgraphPackage(join(dir, 'package.json'))) return readme;
    if (dirname(dir) === dir) return null;
  }
}

function isStaffgraphPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'staffgraph';
  } catch {
    return false;
  }
}

/**
 * One chunk per operation: its source text, the comment lines directly above it (after the
 * previous definition), and the fragments it spreads. A block that does not parse stays whole,
 * classified by its first keyword, so a typo in the README shows up in the IDE rather than vanishing.
 */
function splitBlock(block: string): Chunk[] {
  let definitions: readonly DefinitionNode[];
  try {
    definitions = parse(block).definitions;
  } catch {
    const kind = /^\s*(?:#.*\n\s*)*mutation\b/.test(block) ? 'mutation' : 'query';
    return block.trim() ? [{ kind, text: block.trim(), fragments: [], variables: [] }] : [];
  }
  // Each definition's text runs to the end of its last line (a trailing "# comment" stays with
  // it); what lies between that and the next definition (comment lines) leads the next one.
  const ends = definitions.map((d, i) => {
    const eol = block.indexOf('\n', d.loc!.end);
    const nextStart = definitions[i + 1]?.loc!.start ?? block.length;
    return eol === -1 || eol > nextStart ? Math.min(nextStart, block.length) : eol;
  });
  const texts = definitions.map((_, i) => block.slice(i === 0 ? 0 : ends[i - 1], ends[i]).trim());
  const fragments = new Map<string, { node: FragmentDefinitionNode; text: string }>();
  definitions.forEach((d, i) => {
    if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, { node: d, text: texts[i]! });
  });
  const chunks: Chunk[] = [];
  definitions.forEach((d, i) => {
    if (d.kind !== 'OperationDefinition') return;
    chunks.push({
      kind: d.operation === 'mutation' ? 'mutation' : 'query',
      text: texts[i]!,
      fragments: usedFragments(d, fragments).map((name) => [name, fragments.get(name)!.text]),
      variables: (d.variableDefinitions ?? []).map((v) => v.variable.name.value),
    });
  });
  return chunks;
}

/** Names of the fragments `node` spreads, directly or through other fragments, in first-use order. */
function usedFragments(node: DefinitionNode, fragments: Map<string, { node: FragmentDefinitionNode }>): string[] {
  const found: string[] = [];
  const walk = (n: DefinitionNode): void => {
    visit(n, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (found.includes(name) || !fragment) return;
        found.push(name);
        walk(fragment.node);
      },
    });
  };
  walk(node);
  return found;
}

function tab(chunks: Chunk[]): IdeTab {
  const fragments = new Map(chunks.flatMap((c) => c.fragments));
  const query = [...chunks.map((c) => c.text), ...fragments.values()].join('\n\n') + '\n';
  const names = [...new Set(chunks.flatMap((c) => c.variables))];
  if (!names.length) return { query };
  return { query, variables: JSON.stringify(Object.fromEntries(names.map((n) => [n, null])), null, 2) };
}
