import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { awsProtonPermissions } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { createRouter } from './router';
import { DeploymentHistoryService } from './services/DeploymentHistoryService';
import { EntityArnResolver } from './services/EntityArnResolver';
import { EnvironmentOverviewService } from './services/EnvironmentOverviewService';
import { InstanceUpdateService } from './services/InstanceUpdateService';
import { ProtonReadCache } from './services/ProtonReadCache';
import { ServiceOverviewService } from './services/ServiceOverviewService';
import { TemplateCatalogService } from './services/TemplateCatalogService';

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
        cache: coreServices.cache,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        cache,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(awsProtonPermissions);
        const clients = ProtonClientFactory.fromConfig(config);
        const reads = new ProtonReadCache(
          cache,
          (config.getOptionalNumber('awsProton.cacheTtlSeconds') ?? 30) * 1000,
        );
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            arns: new EntityArnResolver(catalog),
            services: new ServiceOverviewService(clients, reads, {
              concurrency: config.getOptionalNumber(
                'awsProton.outputsConcurrency',
              ),
            }),
            environments: new EnvironmentOverviewService(clients, reads),
            deployments: new DeploymentHistoryService(clients, reads),
            updates: new InstanceUpdateService(clients, reads),
            templates: new TemplateCatalogService(clients, reads),
            resolveTarget: target => clients.resolveTarget(target),
          }),
        );
      },
    });
  },
});
