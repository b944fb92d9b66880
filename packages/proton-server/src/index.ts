/**
 * A control plane that speaks the AWS Proton API: the library behind the standalone `proton-server`
 * and the Backstage backend plugin `@proton-platform/plugin-proton-server-backend`. Test helpers are
 * in `@proton-platform/proton-server/testUtils`.
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
  DeploymentRunnerContext,
  DeploymentRunnerFactory,
  ResourcePlanJob,
} from './deployments/deploymentRunner';
export type {
  DeploymentPlan,
  DeploymentPlanner,
  PlannedJob,
} from './deployments/deploymentPlan';
export type {
  PlannedResource,
  ResourcePreview,
} from './deployments/resourceChanges';
export type { ServiceInstanceUpdatePreview } from './operations/serviceInstancePreview';
export type { LeaseOptions } from './deployments/deploymentLeases';
export type {
  DeclaredRepository,
  GitConnection,
  GitSyncOptions,
  RepositoryProvider,
} from './sync/gitConnections';
export type { GitOperationCounts } from './sync/gitMirrors';
export {
  createLocalRunner,
  DEFAULT_LOCAL_TIMEOUT_MS,
  LocalDeploymentRunner,
  ResourcePlansBusyError,
  RunnerStoppingError,
} from './deployments/localRunner';
export type { LocalDeploymentRunnerOptions } from './deployments/localRunner';
export {
  createSimulateRunner,
  SIMULATED_OUTPUT,
} from './deployments/simulateRunner';
export type { SimulateRunnerOptions } from './deployments/simulateRunner';
export {
  CodeBuildDeploymentRunner,
  createCodeBuildRunner,
} from './deployments/codebuildRunner';
export type { CodeBuildRunnerOptions } from './deployments/codebuildRunner';
export type {
  CodeBuildLogLocation,
  CodeBuildLogReader,
} from './deployments/codebuildBuilds';
export { runProtonServerCli } from './cli/runProtonServerCli';
export { readProtonServerConfig } from './protonServerConfig';
export { writeTemplateBundle } from './seeding/templateBundleArchive';
export { seedProtonResources } from './seeding/seedProtonResources';
export type {
  ProtonSeedPlan,
  SeedTemplateVersion,
} from './seeding/seedProtonResources';
export { S3BundleSources } from './bundles/s3BundleSources';
export {
  DatabaseTemplateBundleStore,
  S3TemplateBundleStore,
} from './bundles/templateBundleStore';
export type {
  TemplateBundleStore,
  TemplateBundleStoreDatabase,
  TemplateVersionRef,
} from './bundles/templateBundleStore';
export type { DeploymentCredentialSet } from './protocol/deploymentCredentials';
