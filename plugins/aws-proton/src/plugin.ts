import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { awsProtonApiRef } from './api/AwsProtonApi';
import { AwsProtonClient } from './api/AwsProtonClient';

const protonContentRouteRef = createRouteRef({ id: 'aws-proton:content' });

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
  routes: { content: protonContentRouteRef },
});

/**
 * The service overview card, for component pages of the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonServiceOverviewCard = awsProtonPlugin.provide(
  createComponentExtension({
    name: 'EntityAwsProtonServiceOverviewCard',
    component: {
      lazy: () =>
        import('./components/ServiceOverviewCard/ServiceOverviewCard').then(
          m => m.ServiceOverviewCard,
        ),
    },
  }),
);

/**
 * The environment overview card, for resource pages of the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonEnvironmentOverviewCard = awsProtonPlugin.provide(
  createComponentExtension({
    name: 'EntityAwsProtonEnvironmentOverviewCard',
    component: {
      lazy: () =>
        import('./components/EnvironmentOverviewCard/EnvironmentOverviewCard').then(
          m => m.EnvironmentOverviewCard,
        ),
    },
  }),
);

/**
 * The "Proton" entity tab content, for `EntityLayout.Route` in the legacy frontend system.
 *
 * @public
 */
export const EntityAwsProtonContent = awsProtonPlugin.provide(
  createRoutableExtension({
    name: 'EntityAwsProtonContent',
    mountPoint: protonContentRouteRef,
    component: () =>
      import('./components/ProtonContent/ProtonContent').then(m => m.ProtonContent),
  }),
);
