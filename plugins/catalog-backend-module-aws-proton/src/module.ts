import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { AwsProtonEntityProvider } from './providers/AwsProtonEntityProvider';

/**
 * Adds the AWS Proton entity providers configured under `catalog.providers.awsProton` to the catalog.
 *
 * @public
 */
export const catalogModuleAwsProton = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'aws-proton',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init({
        processing,
        config,
        logger,
        scheduler,
        auth,
        catalog,
        events,
      }) {
        if (!config.has('catalog.providers.awsProton')) {
          return;
        }
        const clients = ProtonClientFactory.fromConfig(config);
        processing.addEntityProvider(
          AwsProtonEntityProvider.fromConfig(config, {
            clients,
            logger,
            scheduler,
            auth,
            catalog,
            events,
          }),
        );
      },
    });
  },
});
