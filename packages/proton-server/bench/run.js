#!/usr/bin/env node
/*
 * Entry point of the benchmark: `yarn workspace @proton-platform/proton-server bench`.
 * TypeScript is loaded through the Backstage CLI's node transform, as bin/proton-server does.
 */
require('@backstage/cli/config/nodeTransform.cjs');

const role = process.argv[2];
let run;
if (role === 'serve') run = require('./benchServers.ts').serveForBench;
else if (role === 'sync')
  run = require('./templateSyncBench.ts').runTemplateSyncBench;
else run = require('./protonServerBench.ts').runProtonServerBench;

run(process.argv.slice(role === 'sync' || role === 'serve' ? 3 : 2)).catch(
  error => {
    console.error(error);
    process.exit(1);
  },
);
