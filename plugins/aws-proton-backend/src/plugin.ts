import { notificationService } from '@backstage/plugin-notifications-node';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { awsProtonPermissions } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { registerProtonActions } from './actions/protonActions';
import { CampaignService, runCampaigns } from './campaigns/CampaignService';
import { createCampaignNotifier } from './campaigns/campaignNotifications';
import { CampaignStore, migrateCampaignStore } from './campaigns/campaignStore';
import { createRouter } from './router';
import { DeploymentHistoryService } from './services/DeploymentHistoryService';
import { DeploymentTriggerStore } from './services/DeploymentTriggerStore';
import { EntityArnResolver } from './services/EntityArnResolver';
import { EnvironmentOverviewService } from './services/EnvironmentOverviewService';
import { InstanceUpdateService } from './services/InstanceUpdateService';
import { ProtonReadCache } from './services/ProtonReadCache';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ServiceChangeService } from './services/ServiceChangeService';
import { ServiceOverviewService } from './services/ServiceOverviewService';
import { TemplateCatalogService } from './services/TemplateCatalogService';
import { TemplateFleetService } from './services/TemplateFleetService';
import { TemplateUsageService } from './services/TemplateUsageService';
import {
  readRepositoryWebUrls,
  TemplateOverviewService,
} from './services/TemplateOverviewService';

/**
 * The `aws-proton` backend plugin: Proton data for catalog entities, under `/api/aws-proton`, and
 * the same as actions in Backstage's actions registry (for AI agents, through
 * `@backstage/plugin-mcp-actions-backend`): `aws-proton:get-service`, `aws-proton:get-template` and
 * `aws-proton:upgrade-service-instance`.
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
        actionsRegistry: actionsRegistryServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        notifications: notificationService,
        events: eventsServiceRef,
      },
      async init({
        config,
        cache,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
        actionsRegistry,
        database,
        scheduler,
        auditor,
        logger,
        lifecycle,
        notifications,
        events,
      }) {
        permissionsRegistry.addPermissions(awsProtonPermissions);
        const clients = ProtonClientFactory.fromConfig(config);
        const reads = new ProtonReadCache(
          cache,
          (config.getOptionalNumber('awsProton.cacheTtlSeconds') ?? 30) * 1000,
        );
        const arns = new EntityArnResolver(catalog);
        const services = new ServiceOverviewService(clients, reads, {
          concurrency: config.getOptionalNumber('awsProton.outputsConcurrency'),
        });
        const usage = new TemplateUsageService(clients);
        const fleets = new TemplateFleetService(usage, catalog, reads);
        const knex = await database.getClient();
        if (!database.migrations?.skip) await migrateCampaignStore(knex);
        const triggers = new DeploymentTriggerStore(knex, logger);
        const updates = new InstanceUpdateService(clients, reads, triggers);
        const campaigns = new CampaignService(
          new CampaignStore(knex),
          fleets,
          clients,
          reads,
          permissions,
          logger,
          { notifier: createCampaignNotifier(notifications, logger) },
        );
        // Campaigns move on in a task the scheduler runs on one backend at a time (scope global),
        // from what the database says: a restart or another replica carries on where it stopped.
        const stopping = new AbortController();
        lifecycle.addShutdownHook(() => stopping.abort());
        await scheduler.scheduleTask({
          id: 'aws-proton-upgrade-campaigns',
          frequency: { seconds: 5 },
          timeout: { minutes: 2 },
          scope: 'global',
          fn: signal =>
            runCampaigns(campaigns, AbortSignal.any([signal, stopping.signal])),
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            arns,
            services,
            environments: new EnvironmentOverviewService(clients, reads),
            deployments: new DeploymentHistoryService(clients, reads, triggers),
            updates,
            templates: new TemplateCatalogService(clients, reads),
            templateOverviews: new TemplateOverviewService(
              clients,
              reads,
              readRepositoryWebUrls(config),
            ),
            templateFleets: fleets,
            campaigns,
            changes: new ServiceChangeService(clients, reads, {
              events,
              logger,
              triggers,
            }),
            triggers,
            auditor,
            resolveTarget: target => clients.resolveTarget(target),
          }),
        );
        registerProtonActions({
          actionsRegistry,
          permissions,
          arns,
          services,
          updates,
          templates: usage,
        });
      },
    });
  },
});
