import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { awsProtonApiRef } from './api/AwsProtonApi';
import { AwsProtonClient } from './api/AwsProtonClient';

/**
 * The AWS Proton plugin for Backstage apps on the legacy frontend system.
 *
 * @public
 */
export const awsProtonPlugin = createPlugin({
  id: 'aws-proton',
  apis: [
    createApiFactory({
      api: awsProtonApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new AwsProtonClient(deps),
    }),
  ],
});

/**
 * The service overview card, for entity pages of the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonServiceOverviewCard = awsProtonPlugin.provide(
  createComponentExtension({
    name: 'EntityAwsProtonServiceOverviewCard',
    component: {
      lazy: () =>
        import('./components/ServiceOverviewCard').then(
          m => m.ServiceOverviewCard,
        ),
    },
  }),
);
