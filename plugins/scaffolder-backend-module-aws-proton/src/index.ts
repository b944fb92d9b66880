/**
 * The AWS Proton scaffolder actions.
 *
 * @packageDocumentation
 */

export { scaffolderModuleAwsProton as default } from './module';
export { createAwsProtonServiceAction } from './actions/createService';
export { createAwsProtonServiceInstanceAction } from './actions/createServiceInstance';
export { createAwsProtonEnvironmentAction } from './actions/createEnvironment';
export { createAwsProtonUpdateServiceInstanceAction } from './actions/updateServiceInstance';
export { createAwsProtonUpgradeFleetAction } from './actions/upgradeFleet';
export type { UpgradeFleetActionOptions } from './actions/upgradeFleet';
export type {
  AwsProtonCommonInput,
  AwsProtonTemplateVersionInput,
  AwsProtonInstanceOutput,
  AwsProtonCreateServiceInput,
  AwsProtonCreateServiceOutput,
  AwsProtonCreateServiceInstanceInput,
  AwsProtonServiceInstanceOutput,
  AwsProtonUpdateServiceInstanceInput,
  AwsProtonUpdateServiceInstanceOutput,
  AwsProtonCreateEnvironmentInput,
  AwsProtonCreateEnvironmentOutput,
  AwsProtonUpgradeFleetInput,
  AwsProtonUpgradeFleetOutput,
} from './actions/actionTypes';
export type { ProtonActionOptions } from './services/actionOptions';
export type { PollIntervals } from './services/deploymentWaiter';
