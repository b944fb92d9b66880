/**
 * AWS Proton for Backstage: entity cards, the Proton tab and the API client. The default export is the
 * plugin for the new frontend system; the named exports serve apps on the legacy frontend system.
 *
 * @packageDocumentation
 */

export { default } from './alpha';
export {
  awsProtonPlugin,
  EntityAwsProtonContent,
  EntityAwsProtonEnvironmentOverviewCard,
  EntityAwsProtonServiceOverviewCard,
} from './plugin';
export { ServiceOverviewCard } from './components/ServiceOverviewCard/ServiceOverviewCard';
export { EnvironmentOverviewCard } from './components/EnvironmentOverviewCard/EnvironmentOverviewCard';
export { ProtonContent } from './components/ProtonContent/ProtonContent';
export { ProtonStatus } from './components/ProtonStatus/ProtonStatus';
export * from './api/AwsProtonApi';
export { AwsProtonClient } from './api/AwsProtonClient';
