/*
 * One full sync of the AWS Proton entity provider against a control plane holding 1,000 services,
 * 200 environments and 50 templates: upstream calls and wall time.
 *
 *   yarn workspace @proton-platform/plugin-catalog-backend-module-aws-proton bench
 *
 * Target: at most one call per 100 listed items plus one per published version, under 10 s.
 */
import {
  CreateServiceCommand,
  ListEnvironmentsCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListEnvironments,
} from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  countProtonCalls,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import { AwsProtonEntityProvider } from '../src/providers/AwsProtonEntityProvider';

const SERVICES = 1000;
const ENVIRONMENTS = 200;
const SERVICE_TEMPLATES = 40;
const ENVIRONMENT_TEMPLATES = 10;
/** Service templates that get a published 2.0 for the last round. */
const SECOND_MAJORS = 5;

async function inBatches<T>(
  items: T[],
  size: number,
  work: (item: T) => Promise<unknown>,
) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(work));
  }
}

async function main() {
  const scratch = await startScratchControlPlane();
  const { server, client: admin, credentials, noopBundles } = scratch;
  const started = Date.now();
  const published = (source: { bucket: string; key: string }) => [
    { version: '1.0', source, publish: true },
  ];
  await seedProtonResources(admin, {
    environmentTemplates: Array.from(
      { length: ENVIRONMENT_TEMPLATES },
      (_, i) => ({
        name: `env-template-${i}`,
        versions: published(noopBundles.environment),
      }),
    ),
    serviceTemplates: Array.from({ length: SERVICE_TEMPLATES }, (_, i) => ({
      name: `service-template-${i}`,
      pipelineProvisioning: 'CUSTOMER_MANAGED' as const,
      compatibleEnvironmentTemplates: [
        { templateName: 'env-template-0', majorVersion: '1' },
      ],
      versions: published(noopBundles.service),
    })),
    environments: Array.from({ length: ENVIRONMENTS }, (_, i) => ({
      name: `env-${i}`,
      templateName: 'env-template-0',
      templateMajorVersion: '1',
      spec: 'proton: EnvironmentSpec\nspec: {}\n',
    })),
  });
  const environments = [];
  for await (const page of paginateListEnvironments(
    { client: admin, pageSize: 100 },
    {},
  )) {
    environments.push(...(page.environments ?? []));
  }
  await inBatches(environments, 20, e =>
    admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: e.arn!,
        status: 'SUCCEEDED',
      }),
    ),
  );
  await inBatches(
    Array.from({ length: SERVICES }, (_, i) => i),
    20,
    i =>
      admin.send(
        new CreateServiceCommand({
          name: `service-${i}`,
          templateName: `service-template-${i % SERVICE_TEMPLATES}`,
          templateMajorVersion: '1',
          spec: `proton: ServiceSpec\ninstances:\n  - name: main\n    environment: env-${
            i % ENVIRONMENTS
          }\n    spec: {}\n`,
        }),
      ),
  );
  const { environments: check = [] } = await admin.send(
    new ListEnvironmentsCommand({ maxResults: 1 }),
  );
  if (check.length === 0) throw new Error('seeding failed');
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const config = new ConfigReader({
    aws: { accounts: [{ accountId: '000000000000', ...credentials }] },
    awsProton: {
      regions: ['us-east-1'],
      accountIds: ['000000000000'],
      endpoint: server.endpoint,
    },
    catalog: {
      providers: {
        awsProton: {
          withoutTags: { ownerFromTags: false },
          withTags: { ownerFromTags: true },
        },
      },
    },
  });
  const clients = ProtonClientFactory.fromConfig(config);
  const client = await clients.getClient();
  const calls = countProtonCalls(client);
  const quiet = {
    info() {},
    warn() {},
    error() {},
    debug() {},
    child: () => quiet,
  } as any;
  const newProviders = () =>
    AwsProtonEntityProvider.fromConfig(config, {
      clients,
      logger: quiet,
      scheduler: { createScheduledTaskRunner: () => undefined } as any,
      auth: { getOwnServiceCredentials: async () => ({}) } as any,
      catalog: { getEntities: async () => ({ items: [] }) } as any,
    });

  // what the five lists return, and the calls they need at 100 items a page
  const lists = {
    ListEnvironments: ENVIRONMENTS,
    ListServices: SERVICES,
    ListServiceInstances: SERVICES,
    ListServiceTemplates: SERVICE_TEMPLATES,
    ListEnvironmentTemplates: ENVIRONMENT_TEMPLATES,
  };
  const listed = Object.values(lists).reduce((a, b) => a + b, 0);
  const pages = Object.values(lists).reduce(
    (a, n) => a + Math.ceil(n / 100),
    0,
  );
  // the target: one call per 100 listed items, plus one per published version
  const budget = (versions: number) =>
    `${
      pages + versions
    } (${listed} items in 5 lists: ${pages} pages, + ${versions} published versions; ${
      Math.ceil(listed / 100) + versions
    } counting the items of all lists together)`;

  async function syncTwice(
    name: string,
    provider: AwsProtonEntityProvider,
    versions: number,
  ) {
    for (const round of ['first sync', 'second sync']) {
      let entities = 0;
      await provider.connect({
        applyMutation: async (m: any) => {
          entities = m.entities.length;
        },
        refresh: async () => {},
      });
      calls.clear();
      const t = Date.now();
      await provider.refresh();
      const total = [...calls.values()].reduce((a, b) => a + b, 0);
      const seconds = ((Date.now() - t) / 1000).toFixed(2);
      const byOperation = JSON.stringify(Object.fromEntries(calls));
      console.log(
        `${name}, ${round}: ${entities} entities in ${seconds} s, ${total} upstream calls, budget ${budget(
          versions,
        )}\n  ${byOperation}`,
      );
    }
  }

  const [withoutTags, withTags] = newProviders();
  await syncTwice('owner from defaults', withoutTags, SERVICE_TEMPLATES);
  await syncTwice('owner from tags', withTags, SERVICE_TEMPLATES);

  // A template that recommends a major version above 1 may have older majors published: the
  // provider lists its versions on every sync to find them.
  await seedProtonResources(admin, {
    serviceTemplates: Array.from({ length: SECOND_MAJORS }, (_, i) => ({
      name: `service-template-${i}`,
      pipelineProvisioning: 'CUSTOMER_MANAGED' as const,
      compatibleEnvironmentTemplates: [
        { templateName: 'env-template-0', majorVersion: '1' },
      ],
      versions: [
        ...published(noopBundles.service),
        { version: '2.0', source: noopBundles.service, publish: true },
      ],
    })),
  });
  await syncTwice(
    `owner from defaults, ${SECOND_MAJORS} templates with a major version 2 too`,
    newProviders()[0],
    SERVICE_TEMPLATES + SECOND_MAJORS,
  );
  client.destroy();
  await scratch.stop();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
