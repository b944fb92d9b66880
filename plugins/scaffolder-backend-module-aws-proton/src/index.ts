/**
 * The AWS Proton scaffolder actions.
 *
 * @packageDocumentation
 */

export { scaffolderModuleAwsProton as default } from './module';
export { createAwsProtonServiceAction } from './actions/createService';
