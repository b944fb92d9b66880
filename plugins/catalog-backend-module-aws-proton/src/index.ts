/**
 * The AWS Proton entity provider for the Backstage catalog.
 *
 * @packageDocumentation
 */

export { catalogModuleAwsProton as default } from './module';
export {
  AwsProtonEntityProvider,
  type AwsProtonEntityProviderDeps,
  type AwsProtonEntityProviderSettings,
} from './providers/AwsProtonEntityProvider';
export type { AwsProtonEntityDefaults } from './providers/protonEntities';
export type { AwsProtonInventoryScope } from './providers/protonInventory';
