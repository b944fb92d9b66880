/*
 * The backend of src/index.ts without the Proton plugins and modules: the start-up benchmark's
 * baseline.
 */
import { createBackend } from '@backstage/backend-defaults';
import { backstageFeatures } from '../src/features';

const backend = createBackend();
for (const feature of backstageFeatures) {
  backend.add(feature());
}
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`Backstage did not start: ${error.message ?? error}`);
  process.exit(1);
});
