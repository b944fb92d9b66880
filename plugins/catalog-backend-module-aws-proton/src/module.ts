import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
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
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        if (!config.has('catalog.providers.awsProton')) {
          return;
        }
        const clients = ProtonClientFactory.fromConfig(config);
        catalog.addEntityProvider(
          AwsProtonEntityProvider.fromConfig(config, {
            clients,
            logger,
            scheduler,
          }),
        );
      },
    });
  },
});
