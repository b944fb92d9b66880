import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { createRouter } from './router';
import { EntityArnResolver } from './services/EntityArnResolver';
import { ServiceOverviewService } from './services/ServiceOverviewService';

/**
 * The `aws-proton` backend plugin: Proton data for catalog entities, under `/api/aws-proton`.
 *
 * @public
 */
export const awsProtonPlugin = createBackendPlugin({
  pluginId: 'aws-proton',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
      },
      async init({ config, httpAuth, httpRouter, catalog }) {
        const clients = ProtonClientFactory.fromConfig(config);
        httpRouter.use(
          await createRouter({
            httpAuth,
            arns: new EntityArnResolver(catalog),
            services: new ServiceOverviewService(clients),
          }),
        );
      },
    });
  },
});
