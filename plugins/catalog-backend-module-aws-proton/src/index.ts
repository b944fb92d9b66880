/**
 * The AWS Proton entity provider for the Backstage catalog.
 *
 * @packageDocumentation
 */

export { catalogModuleAwsProton as default } from './module';
export { AwsProtonEntityProvider } from './providers/AwsProtonEntityProvider';
