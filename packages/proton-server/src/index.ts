/**
 * A control plane that speaks the AWS Proton API: the library behind the standalone `proton-server`
 * and the Backstage backend plugin.
 *
 * @packageDocumentation
 */

export { createProtonServer, ProtonServer } from './ProtonServer';
export type { ProtonServerOptions } from './ProtonServer';
export type { ProtonServerCredentials } from './protocol/sigv4Verification';
export type { ProtonServerLogger } from './protocol/requestListener';
export type { RequestRateLimit } from './protocol/requestRateLimiter';
export type { ProtonErrorName } from './protocol/errors';
export { ProtonApiError } from './protocol/errors';
export type { ProtonDatabaseOptions } from './store/database';
export type { TemplateKind } from './store/templateStore';
export type { BundleLimits } from './bundles/extractBundle';
export type {
  BundleSourceResolver,
  S3ObjectSource,
} from './bundles/bundleSource';
export type {
  TemplateSchemaCheck,
  TemplateSchemaCheckRequest,
} from './bundles/templateSchemaCheck';
export { protonTemplateSchemaCheck } from './bundles/templateSchemaCheck';
export type {
  DeploymentJob,
  DeploymentOutput,
  DeploymentReporter,
  DeploymentRunner,
} from './deployments/deploymentRunner';
export { runProtonServerCli } from './cli/runProtonServerCli';
export { writeTemplateBundle } from './seeding/templateBundleArchive';
export { seedProtonResources } from './seeding/seedProtonResources';
export type {
  ProtonSeedPlan,
  SeedTemplateVersion,
} from './seeding/seedProtonResources';
