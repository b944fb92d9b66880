import {
  CreateRepositoryCommand,
  CreateTemplateSyncConfigCommand,
  GetEnvironmentCommand,
  GetRepositorySyncStatusCommand,
  GetTemplateSyncConfigCommand,
  ListEnvironmentTemplateVersionsCommand,
  ListServiceTemplateVersionsCommand,
  UpdateEnvironmentTemplateVersionCommand,
  UpdateServiceTemplateVersionCommand,
  UpdateTemplateSyncConfigCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  ProtonClient,
  UpdateServiceInstanceCommand,
  waitUntilEnvironmentDeployed,
  waitUntilServiceInstanceDeployed,
  waitUntilServicePipelineDeployed,
} from '@aws-sdk/client-proton';
import {
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { eventsServiceRef, EventsService } from '@backstage/plugin-events-node';
import { AWS_PROTON_EVENTS_TOPIC } from '@proton-platform/plugin-aws-proton-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { seedProtonResources } from '@proton-platform/proton-server';
import path from 'node:path';
import {
  DEMO_REPOSITORY,
  DEMO_TEMPLATE_COPIES,
  DEMO_UPGRADED_INSTANCES,
  demoPlan,
} from './demoPlan';
import {
  buildDemoTemplateRepository,
  DemoTemplateRepository,
} from './demoTemplateRepository';

const WAIT = { maxWaitTime: 900, minDelay: 2, maxDelay: 5 };

const TEMPLATE_KINDS = ['ENVIRONMENT', 'SERVICE'] as const;

/** The versions of a template (all majors), oldest first. */
async function listVersions(
  client: ProtonClient,
  templateType: (typeof TEMPLATE_KINDS)[number],
  templateName: string,
) {
  const output =
    templateType === 'ENVIRONMENT'
      ? await client.send(
          new ListEnvironmentTemplateVersionsCommand({ templateName }),
        )
      : await client.send(
          new ListServiceTemplateVersionsCommand({ templateName }),
        );
  return [...(output.templateVersions ?? [])].sort(
    (a, b) =>
      Number(a.majorVersion) - Number(b.majorVersion) ||
      Number(a.minorVersion) - Number(b.minorVersion),
  );
}

interface DemoTemplate {
  name: string;
  type: (typeof TEMPLATE_KINDS)[number];
}

/** Waits until the control plane has synced `sha` and registered what it brought. */
async function waitForSync(
  client: ProtonClient,
  repositoryName: string,
  sha: string,
  templates: DemoTemplate[],
): Promise<void> {
  const deadline = Date.now() + WAIT.maxWaitTime * 1000;
  for (;;) {
    const { latestSync } = await client.send(
      new GetRepositorySyncStatusCommand({
        repositoryName,
        repositoryProvider: DEMO_REPOSITORY.provider,
        branch: 'main',
        syncType: 'TEMPLATE_SYNC',
      }),
    );
    const synced =
      latestSync !== undefined &&
      latestSync.status !== 'IN_PROGRESS' &&
      Boolean(latestSync.events?.[0]?.event?.includes(sha.slice(0, 12)));
    let registering = false;
    for (const { name, type } of templates) {
      const versions = await listVersions(client, type, name);
      registering ||= versions.some(
        v => v.status === 'REGISTRATION_IN_PROGRESS',
      );
    }
    if (synced && !registering) {
      if (latestSync?.status === 'FAILED') {
        throw new Error(
          `Syncing the demo templates at ${sha.slice(
            0,
            12,
          )} failed: ${latestSync.events?.map(e => e.event).join('; ')}`,
        );
      }
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The demo templates were not synced at ${sha.slice(0, 12)} within ${
          WAIT.maxWaitTime
        } s`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * Links the demo's template repository and lets every demo template follow it (template sync), then
 * pushes its commits one by one, as a platform team would, so that each change of a bundle becomes
 * a minor version; publishes every version. A control plane that has the demo's versions already
 * (a database kept between starts) gets only the last commit, which registers what changed since.
 *
 * @throws Error naming a version that failed to register, or a sync that did not finish
 */
async function syncDemoTemplates(
  client: ProtonClient,
  repository: DemoTemplateRepository,
  repositoryName: string,
): Promise<string[]> {
  const created: string[] = [];
  await client.send(
    new CreateRepositoryCommand({ ...DEMO_REPOSITORY, name: repositoryName }),
  );
  const templates: DemoTemplate[] = [
    ...(demoPlan.environmentTemplates ?? []).map(t => ({
      name: t.name,
      type: 'ENVIRONMENT' as const,
    })),
    ...(demoPlan.serviceTemplates ?? []).map(t => ({
      name: t.name,
      type: 'SERVICE' as const,
    })),
  ];
  const configOf = (template: DemoTemplate) => ({
    templateName: template.name,
    templateType: template.type,
    repositoryProvider: DEMO_REPOSITORY.provider,
    repositoryName,
    branch: 'main',
  });
  let fresh = true;
  for (const { name, type } of templates) {
    if ((await listVersions(client, type, name)).length > 0) fresh = false;
  }
  // follow the branch first (its first sync finds no commit yet), then push the commits one by one
  for (const template of templates) {
    try {
      await client.send(new GetTemplateSyncConfigCommand(configOf(template)));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      await client.send(
        new CreateTemplateSyncConfigCommand(configOf(template)),
      );
      created.push(`template sync of ${template.name}`);
    }
  }
  const commits = fresh ? repository.commits : repository.commits.slice(-1);
  for (const commit of commits) {
    await repository.push(commit.sha);
    // the branch is synced again now (UpdateTemplateSyncConfig asks for it, as a signed push webhook
    // would; one run syncs every template following the branch)
    await client.send(
      new UpdateTemplateSyncConfigCommand(configOf(templates[0])),
    );
    await waitForSync(client, repositoryName, commit.sha, templates);
  }
  for (const { name, type } of templates) {
    for (const version of await listVersions(client, type, name)) {
      if (version.status === 'REGISTRATION_FAILED') {
        throw new Error(
          `${name} ${version.majorVersion}.${version.minorVersion} failed to register: ${version.statusMessage}`,
        );
      }
      if (version.status !== 'DRAFT') continue;
      const input = {
        templateName: name,
        majorVersion: version.majorVersion!,
        minorVersion: version.minorVersion!,
        status: 'PUBLISHED' as const,
      };
      if (type === 'ENVIRONMENT') {
        await client.send(new UpdateEnvironmentTemplateVersionCommand(input));
      } else {
        await client.send(new UpdateServiceTemplateVersionCommand(input));
      }
      created.push(`${name} ${version.majorVersion}.${version.minorVersion}`);
    }
  }
  return created;
}

/** Seeds the demo once: whatever exists is left as it is. */
export async function seedDemo(options: {
  client: ProtonClient;
  templatesDirectory: string;
  gitDirectory: string;
  /** The backend's port: the demo repository is named after it. */
  port: number;
  logger: LoggerService;
  events?: EventsService;
}) {
  const { client, logger, events } = options;
  const announce = async (arn?: string) => {
    if (arn) {
      await events?.publish({
        topic: AWS_PROTON_EVENTS_TOPIC,
        eventPayload: { action: 'created', arn },
      });
    }
  };

  // one repository per backend: two demo backends on one machine (the browser tests') push their own
  const repositoryName = `${DEMO_REPOSITORY.name}-${options.port}`;
  const repository = await buildDemoTemplateRepository({
    templatesDirectory: options.templatesDirectory,
    gitDirectory: options.gitDirectory,
    name: repositoryName,
    copies: DEMO_TEMPLATE_COPIES,
  });
  if (repository.source === 'files') {
    logger.warn(
      'The demo templates come from the files of templates/proton alone (this checkout has no Git history): ' +
        'one version each, so no "upgrade available" shows',
    );
  }
  const { services, environments, ...templates } = demoPlan;
  const created = await seedProtonResources(client, templates);
  try {
    created.push(
      ...(await syncDemoTemplates(client, repository, repositoryName)),
    );
  } finally {
    await repository.dispose();
  }
  created.push(...(await seedProtonResources(client, { environments })));
  for (const environment of demoPlan.environments ?? []) {
    // Throws, saying why, unless the environment deployed.
    await waitUntilEnvironmentDeployed(
      { client, ...WAIT },
      { name: environment.name },
    );
    const { environment: deployed } = await client.send(
      new GetEnvironmentCommand({ name: environment.name }),
    );
    await announce(deployed?.arn);
  }

  created.push(...(await seedProtonResources(client, { services })));
  for (const service of services ?? []) {
    const instances = [...service.spec.matchAll(/^ {2}- name: (\S+)$/gm)].map(
      match => match[1],
    );
    for (const name of instances) {
      await waitUntilServiceInstanceDeployed(
        { client, ...WAIT },
        { serviceName: service.name, name },
      );
    }
    if (service.repositoryId) {
      await waitUntilServicePipelineDeployed(
        { client, ...WAIT },
        { name: service.name },
      );
    }
    // hello-nginx's prod runs the latest version and its dev stays on 1.0: the page offers an upgrade
    const latest = (
      await listVersions(client, 'SERVICE', service.templateName)
    ).at(-1);
    for (const name of instances) {
      if (
        !DEMO_UPGRADED_INSTANCES.includes(`${service.name}/${name}`) ||
        !latest ||
        latest.minorVersion === '0'
      ) {
        continue;
      }
      const { serviceInstance } = await client.send(
        new GetServiceInstanceCommand({ serviceName: service.name, name }),
      );
      if (
        serviceInstance?.templateMinorVersion === '0' &&
        serviceInstance.deploymentStatus === 'SUCCEEDED'
      ) {
        await client.send(
          new UpdateServiceInstanceCommand({
            serviceName: service.name,
            name,
            deploymentType: 'MINOR_VERSION',
            templateMajorVersion: latest.majorVersion,
            templateMinorVersion: latest.minorVersion,
            spec: serviceInstance.spec,
          }),
        );
        created.push(
          `upgrade of ${service.name}/${name} to ${latest.majorVersion}.${latest.minorVersion}`,
        );
      }
    }
    const { service: seeded } = await client.send(
      new GetServiceCommand({ name: service.name }),
    );
    await announce(seeded?.arn);
  }
  logger.info(
    created.length
      ? `Demo seeded: ${created.join(', ')}`
      : 'Demo already seeded; nothing to do',
  );
}

/**
 * Seeds the embedded control plane with the demo (`protonDemo.seed: true`), in the background once the
 * backend has started.
 */
export default createBackendModule({
  pluginId: 'proton-server',
  moduleId: 'demo-seed',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
        events: eventsServiceRef,
      },
      async init({ config, logger, lifecycle, events }) {
        if (!config.getOptionalBoolean('protonDemo.seed')) return;
        lifecycle.addStartupHook(() => {
          startSeeding(config, logger, events);
        });
      },
    });
  },
});

function startSeeding(
  config: Config,
  logger: LoggerService,
  events: EventsService,
) {
  const gitDirectory = path.resolve(
    config.getString('protonDemo.gitDirectory'),
  );
  const templatesDirectory = path.resolve(
    config.getString('protonDemo.templatesDirectory'),
  );
  ProtonClientFactory.fromConfig(config)
    .getClient()
    .then(client =>
      seedDemo({
        client,
        templatesDirectory,
        gitDirectory,
        // backend.listen may be an object or a string: the base URL names the port either way
        port: Number(new URL(config.getString('backend.baseUrl')).port || 80),
        logger,
        events,
      }),
    )
    .catch(error => logger.error(`Could not seed the demo: ${error}`));
}
