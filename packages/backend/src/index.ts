import { createBackend } from '@backstage/backend-defaults';
import { backstageFeatures, protonFeatures } from './features';

const backend = createBackend();
for (const feature of [...backstageFeatures, ...protonFeatures]) {
  backend.add(feature());
}

// A backend whose plugins cannot start (for example the control plane without acceptable
// credentials) exits with an error, saying why, instead of serving 503s.
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`Backstage did not start: ${error.message ?? error}`);
  process.exit(1);
});
