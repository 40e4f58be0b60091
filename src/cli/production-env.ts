/**
 * Imported first by the CLI, before anything loads graphql-js: the gateway runs as production code
 * unless the operator says otherwise. Outside production, graphql-js checks every failed
 * `instanceOf` against the class name (to catch two copies of graphql in one process), which was
 * 3 % of the CPU of a 100-user answer (docs/architecture.md §10). Nothing of ours reads NODE_ENV,
 * and the Apollo options that would (introspection, stack traces, signal handling) are set
 * explicitly. An explicit NODE_ENV is kept as it is.
 */
process.env.NODE_ENV ??= 'production';
