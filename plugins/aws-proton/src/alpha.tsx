import {
  discoveryApiRef,
  fetchApiRef,
  createApiFactory,
} from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { AWS_PROTON_SERVICE_ANNOTATION } from '@proton-platform/plugin-aws-proton-common';
import { awsProtonApiRef } from './api/AwsProtonApi';
import { AwsProtonClient } from './api/AwsProtonClient';

const awsProtonApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams(
      createApiFactory({
        api: awsProtonApiRef,
        deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
        factory: deps => new AwsProtonClient(deps),
      }),
    ),
});

/**
 * The service overview card. It shows on components by default; its empty state explains the
 * annotation on entities that do not have it yet.
 */
const serviceOverviewCard = EntityCardBlueprint.make({
  name: 'service-overview',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/ServiceOverviewCard').then(m => (
        <m.ServiceOverviewCard />
      )),
  },
});

/**
 * The AWS Proton plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'aws-proton',
  info: { packageJson: () => import('../package.json') },
  extensions: [awsProtonApi, serviceOverviewCard],
});

export { AWS_PROTON_SERVICE_ANNOTATION };
