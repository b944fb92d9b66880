#!/usr/bin/env node
/*
 * Entry point of the benchmark: `yarn workspace @proton-platform/proton-server bench`.
 * TypeScript is loaded through the Backstage CLI's node transform, as bin/proton-server does.
 */
require('@backstage/cli/config/nodeTransform.cjs');

const role = process.argv[2];
const run =
  role === 'serve'
    ? require('./benchServers.ts').serveForBench
    : require('./protonServerBench.ts').runProtonServerBench;

run(process.argv.slice(3)).catch(error => {
  console.error(error);
  process.exit(1);
});
