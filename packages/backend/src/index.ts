import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// the events bus: the scaffolder actions announce created services on the aws-proton topic and the
// catalog provider ingests them at once, also when they run in different backend instances
backend.add(import('@backstage/plugin-events-backend'));

// auth: guest sign-in for development (app-config.yaml), none in production
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(
  import('@proton-platform/plugin-catalog-backend-module-aws-proton'),
);

// permissions: everyone reads, configured users and groups run Proton mutations
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

// scaffolder with the AWS Proton actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@proton-platform/plugin-scaffolder-backend-module-aws-proton'),
);

// AWS Proton for the entity pages, and as actions for AI agents
backend.add(import('@proton-platform/plugin-aws-proton-backend'));

// The actions registry's actions as MCP tools (backend.actions.pluginSources says whose), under
// /api/mcp-actions/v1
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// The Proton-compatible control plane, under /api/proton-server, and the demo it is seeded with
backend.add(import('@proton-platform/plugin-proton-server-backend'));
backend.add(import('./demo/demoSeed'));

// A backend whose plugins cannot start (for example the control plane without acceptable
// credentials) exits with an error, saying why, instead of serving 503s.
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`Backstage did not start: ${error.message ?? error}`);
  process.exit(1);
});
