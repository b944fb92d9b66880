/**
 * Shared AWS Proton code for Backstage: annotations, ARNs, permissions and status labels.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './arn';
export * from './permissions';
export * from './schema';
export * from './status';
export * from './api/types';
export * from './api/templateVersions';
export * from './api/templateOverview';
export * from './api/templateFleet';
export * from './api/campaigns';
export * from './events';
