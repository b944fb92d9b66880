import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { createAwsProtonServiceAction } from './actions/createService';

/**
 * Adds the AWS Proton actions to the scaffolder.
 *
 * @public
 */
export const scaffolderModuleAwsProton = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'aws-proton',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, config }) {
        const clients = ProtonClientFactory.fromConfig(config);
        scaffolder.addActions(createAwsProtonServiceAction({ clients }));
      },
    });
  },
});
