/**
 * Node.js library for the AWS Proton backend plugin and modules.
 *
 * @packageDocumentation
 */

export * from './ProtonClientFactory';
export * from './describeProtonError';
export * from './deploymentLogs';
export * from './updatePreview';
