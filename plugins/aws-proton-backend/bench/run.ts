/*
 * The plugin's benchmarks: `overview` (the service overview), `fleet` (a template's "where it
 * runs") and `campaign` (an upgrade campaign over 1,000 instances); without an argument, all.
 *
 *   yarn workspace @proton-platform/plugin-aws-proton-backend bench [overview|fleet|campaign]
 */
import { campaignBench } from './campaignBench';
import { fleetBench } from './fleetBench';
import { overviewBench } from './overviewBench';

const BENCHES: Record<string, () => Promise<void>> = {
  overview: overviewBench,
  fleet: fleetBench,
  campaign: campaignBench,
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
