/**
 * Runs this program against Pulumi's mock runtime for a proton-inputs.json and prints the outputs that
 * provision.sh would report to Proton ([{key, valueString}]). Nothing is created; resources report
 * the state in environmentState.ts.
 *
 *   node --import tsx test/simulate.ts path/to/proton-inputs.json
 */
import fs from 'node:fs';
import { environmentState } from './environmentState';
import {
  protonConfig,
  protonOutputs,
  protonStackName,
  runProgram,
} from './pulumiMocks';

async function main() {
  const protonInputs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const run = await runProgram({
    config: protonConfig(protonInputs),
    stack: protonStackName(protonInputs),
    state: environmentState,
  });
  process.stdout.write(
    `${JSON.stringify(protonOutputs(run.outputs), null, 2)}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
