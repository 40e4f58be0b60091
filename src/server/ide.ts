import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadExampleTabs, type IdeTab } from './ide-examples';

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

export interface Ide {
  /** The page served at GET /graphql to a browser. */
  html: string;
  /** A file under /ide/, or null for any name not in the list. */
  asset(name: string): { body: Buffer; type: string } | null;
}

/**
 * The IDE, built once when the gateway starts (the README's examples are read here, never per
 * request). `tabs` defaults to the README's graphql blocks (src/server/ide-examples.ts).
 */
export function createIde(tabs: IdeTab[] = loadExampleTabs()): Ide {
  const start = Buffer.from(startJs(tabs));
  const cache = new Map<string, Buffer>();
  return {
    html: ideHtml(),
    asset(name) {
      if (name === 'start.js') return { body: start, type: 'text/javascript; charset=utf-8' };
      return vendoredAsset(name, cache);
    },
  };
}

function vendoredAsset(name: string, cache: Map<string, Buffer>): { body: Buffer; type: string } | null {
  const a = ASSETS[name];
  if (!a) return null;
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(join(dirname(require.resolve(`${a.pkg}/package.json`)), a.file));
    cache.set(name, body);
  }
  return { body, type: a.type };
}

/**
 * The page. Every URL in it is relative, so behind a reverse proxy that serves the gateway under a
 * path prefix (`/staff/graphql`) the assets resolve to `/staff/ide/…`. The empty icon stops the
 * browser asking for /favicon.ico at the host's root, outside the prefix. No inline script: the
 * CSP forbids it, so the configuration travels in start.js.
 */
function ideHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>staffgraph — GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="ide/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the IDE…</div>
<script src="ide/react.production.min.js"></script>
<script src="ide/react-dom.production.min.js"></script>
<script src="ide/graphiql.min.js"></script>
<script src="ide/start.js"></script>
</body>
</html>
`;
}

/**
 * Storage: memory, not localStorage (GraphiQL's default) and not sessionStorage. The IDE runs on
 * shared hospital workstations; variables may hold passwords (createUser) and GraphiQL keeps tabs,
 * query history (with variables) and settings in its storage. sessionStorage would survive a
 * reload and, through the browser's "restore tabs", a closed window, and Chromium writes it to
 * the profile on disk. In memory, nothing outlives the page: a reload starts again from the README
 * examples, with an empty headers editor. Every GraphiQL write (tabs, history, theme, pane sizes,
 * visible plugin) goes through this one object. `shouldPersistHeaders: false` also hides the
 * setting that would offer to keep headers.
 *
 * The fetcher posts to the page's own path: the page and the API share it, whatever prefix a
 * proxy adds.
 */
const startJs = (tabs: IdeTab[]): string => `(function () {
  var config = ${JSON.stringify({ tabs })};
  function memoryStorage() {
    var items = new Map();
    return {
      getItem: function (key) { return items.has(key) ? items.get(key) : null; },
      setItem: function (key, value) { items.set(key, String(value)); },
      removeItem: function (key) { items.delete(key); },
      clear: function () { items.clear(); },
      get length() { return items.size; },
    };
  }
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    storage: memoryStorage(),
    defaultTabs: config.tabs,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    // Open the headers editor: the analyst's first step is pasting {"Authorization": "Bearer …"}.
    defaultEditorToolsVisibility: 'headers',
  }, React.createElement(GraphiQL.Logo, null, 'staffgraph')));
})();
`;
