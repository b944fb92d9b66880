import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { createAwsProtonEnvironmentAction } from './actions/createEnvironment';
import { createAwsProtonServiceAction } from './actions/createService';
import { createAwsProtonServiceInstanceAction } from './actions/createServiceInstance';
import { createAwsProtonUpdateServiceInstanceAction } from './actions/updateServiceInstance';
import { createAwsProtonUpgradeFleetAction } from './actions/upgradeFleet';

/**
 * Adds the AWS Proton actions to the scaffolder: `aws:proton:create-service`,
 * `aws:proton:create-service-instance`, `aws:proton:create-environment`,
 * `aws:proton:update-service-instance` and `aws:proton:upgrade-fleet` (which needs the `aws-proton`
 * backend plugin: it stores and runs the campaigns).
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
        permissions: coreServices.permissions,
        events: eventsServiceRef,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, config, permissions, events, discovery, auth }) {
        const options = {
          clients: ProtonClientFactory.fromConfig(config),
          permissions,
          events,
          discovery,
          auth,
        };
        scaffolder.addActions(
          createAwsProtonServiceAction(options),
          createAwsProtonServiceInstanceAction(options),
          createAwsProtonEnvironmentAction(options),
          createAwsProtonUpdateServiceInstanceAction(options),
          createAwsProtonUpgradeFleetAction({ discovery, auth }),
        );
      },
    });
  },
});
