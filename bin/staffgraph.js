#!/usr/bin/env node
// The CLI is compiled by `npm run build`; `npm start` and `npm test` build first.
require('../dist/src/cli/main.js');
