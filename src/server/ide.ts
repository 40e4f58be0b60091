import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The GraphiQL IDE, served by the gateway itself from node_modules so it works with no internet
 * (hospital networks often have none; Apollo's hosted Sandbox loads from a CDN). Only these files
 * are served; the page's Content-Security-Policy allows nothing but this origin.
 */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
};

export const IDE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const cache = new Map<string, Buffer>();

export function ideAsset(name: string): { body: Buffer; type: string } | null {
  if (name === 'start.js') return { body: Buffer.from(START_JS), type: 'text/javascript; charset=utf-8' };
  const a = ASSETS[name];
  if (!a) return null;
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(join(dirname(require.resolve(`${a.pkg}/package.json`)), a.file));
    cache.set(name, body);
  }
  return { body, type: a.type };
}

export const DEFAULT_IDE_QUERY = `# staffgraph: one graph over the clinical vendors' user APIs.
# Try the example queries in the README, e.g.:
query Sources {
  sources { id vendor name capabilities { userTypeCatalog facilityCatalog } health { status latencyMs } }
}

query FirstUsers {
  users(first: 10) {
    edges { node { id displayName email status source { id } userTypes { name } facilityAccess { primary facility { code name } } } }
    pageInfo { hasNextPage endCursor }
    sourceErrors { source code message }
  }
}
`;

export function ideHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>staffgraph — GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/ide/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the IDE…</div>
<script src="/ide/react.production.min.js"></script>
<script src="/ide/react-dom.production.min.js"></script>
<script src="/ide/graphiql.min.js"></script>
<script src="/ide/start.js"></script>
</body>
</html>
`;
}

const START_JS = `(function () {
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: ${JSON.stringify(DEFAULT_IDE_QUERY)},
    defaultEditorToolsVisibility: true,
  }));
})();
`;
