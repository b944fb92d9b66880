/**
 * The `aws-proton` backend plugin: Proton data for catalog entities.
 *
 * @packageDocumentation
 */

export { awsProtonPlugin as default } from './plugin';
