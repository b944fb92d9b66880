/*
 * The plugin's benchmarks: `overview` (the service overview) and `fleet` (a template's "where it
 * runs"); without an argument, both.
 *
 *   yarn workspace @proton-platform/plugin-aws-proton-backend bench [overview|fleet]
 */
import { fleetBench } from './fleetBench';
import { overviewBench } from './overviewBench';

const BENCHES: Record<string, () => Promise<void>> = {
  overview: overviewBench,
  fleet: fleetBench,
};

async function main() {
  const names = process.argv.slice(2);
  const unknown = names.filter(name => !BENCHES[name]);
  if (unknown.length > 0) {
    throw new Error(
      `Unknown bench ${unknown.join(', ')}; choose from ${Object.keys(
        BENCHES,
      ).join(', ')}`,
    );
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    console.log(`\n== ${name}`);
    await BENCHES[name]();
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
