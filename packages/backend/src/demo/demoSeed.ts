import {
  GetEnvironmentCommand,
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
import {
  seedProtonResources,
  writeTemplateBundle,
} from '@proton-platform/proton-server';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleKey, DEMO_BUCKET, demoPlan } from './demoPlan';

const WAIT = { maxWaitTime: 900, minDelay: 2, maxDelay: 5 };

/** Renders every registered version of templates/proton and packages it where the control plane reads bundles. */
async function packageTemplateBundles(
  templatesDirectory: string,
  bundlesDirectory: string,
): Promise<void> {
  const rendered = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'proton-demo-bundles-'),
  );
  try {
    const result = spawnSync(
      process.execPath,
      [path.join(templatesDirectory, 'render-bundles.mjs'), rendered],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new Error(`render-bundles.mjs failed: ${result.stderr}`);
    }
    for (const template of await fs.promises.readdir(rendered)) {
      for (const version of await fs.promises.readdir(
        path.join(rendered, template),
      )) {
        await writeTemplateBundle(
          bundlesDirectory,
          { bucket: DEMO_BUCKET, key: bundleKey(template, version) },
          { sourceDirectory: path.join(rendered, template, version) },
        );
      }
    }
  } finally {
    await fs.promises.rm(rendered, { recursive: true, force: true });
  }
}

/** Seeds the demo once: whatever exists is left as it is. */
export async function seedDemo(options: {
  client: ProtonClient;
  templatesDirectory: string;
  bundlesDirectory: string;
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

  await packageTemplateBundles(
    options.templatesDirectory,
    options.bundlesDirectory,
  );
  const { services, ...templatesAndEnvironments } = demoPlan;
  const created = await seedProtonResources(client, templatesAndEnvironments);
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
    // prod runs 1.1 and dev stays on 1.0, so that the entity page offers an upgrade
    if (instances.includes('prod')) {
      const { serviceInstance: prod } = await client.send(
        new GetServiceInstanceCommand({
          serviceName: service.name,
          name: 'prod',
        }),
      );
      if (
        prod?.templateMinorVersion === '0' &&
        prod.deploymentStatus === 'SUCCEEDED'
      ) {
        await client.send(
          new UpdateServiceInstanceCommand({
            serviceName: service.name,
            name: 'prod',
            deploymentType: 'MINOR_VERSION',
            templateMajorVersion: '1',
            templateMinorVersion: '1',
            spec: prod.spec,
          }),
        );
        created.push(`upgrade of ${service.name}/prod to 1.1`);
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
  const bundlesDirectory = path.resolve(
    config.getString('protonServer.bundlesDirectory'),
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
        bundlesDirectory,
        logger,
        events,
      }),
    )
    .catch(error => logger.error(`Could not seed the demo: ${error}`));
}
