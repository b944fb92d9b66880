import {
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListServiceInstances,
} from '@aws-sdk/client-proton';
import { Entity } from '@backstage/catalog-model';
import { Config, ConfigReader } from '@backstage/config';
import { seedProtonResources } from '@proton-platform/proton-server';
import type { ScratchControlPlane } from '@proton-platform/proton-server/testUtils';

/** The account and Region of every ARN of the benchmarks. */
export const BENCH_ARN_PREFIX = 'arn:aws:proton:us-east-1:000000000000';

/**
 * Seeds a fleet for the fleet and campaign benchmarks: the environment template `env` 1.0, the
 * service template `svc` (1.0 and 1.1, customer-managed pipelines), `environments` environments
 * `env0`… and `services` services `service-0`… with an instance in every environment, each on the
 * minor version `minorOf(index)`, every deployment reported SUCCEEDED (as a runner would).
 *
 * @returns the services' catalog entities (annotated, owned by ten teams)
 */
export async function seedBenchFleet(
  scratch: ScratchControlPlane,
  options: {
    services: number;
    environments: number;
    minorOf: (index: number) => '0' | '1';
  },
): Promise<Entity[]> {
  const { client: admin, noopBundles } = scratch;
  const environments = Array.from(
    { length: options.environments },
    (_, i) => `env${i}`,
  );
  await seedProtonResources(admin, {
    environmentTemplates: [
      {
        name: 'env',
        versions: [
          { version: '1.0', source: noopBundles.environment, publish: true },
        ],
      },
    ],
    serviceTemplates: [
      {
        name: 'svc',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
        compatibleEnvironmentTemplates: [
          { templateName: 'env', majorVersion: '1' },
        ],
        versions: [
          { version: '1.0', source: noopBundles.service, publish: true },
          { version: '1.1', source: noopBundles.service, publish: true },
        ],
      },
    ],
    environments: environments.map(name => ({
      name,
      templateName: 'env',
      templateMajorVersion: '1',
      spec: 'proton: EnvironmentSpec\nspec: {}\n',
    })),
  });
  for (const name of environments) {
    await admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: `${BENCH_ARN_PREFIX}:environment/${name}`,
        status: 'SUCCEEDED',
      }),
    );
  }
  const spec = `proton: ServiceSpec\ninstances:\n${environments
    .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
    .join('')}`;
  await seedProtonResources(admin, {
    services: Array.from({ length: options.services }, (_, i) => ({
      name: `service-${i}`,
      templateName: 'svc',
      templateMajorVersion: '1',
      templateMinorVersion: options.minorOf(i),
      spec,
    })),
  });
  // every instance (a listing filtered on IN_PROGRESS would shift under its own pages)
  for await (const page of paginateListServiceInstances(
    { client: admin },
    {},
  )) {
    for (const instance of page.serviceInstances ?? []) {
      await admin.send(
        new NotifyResourceDeploymentStatusChangeCommand({
          resourceArn: instance.arn!,
          status: 'SUCCEEDED',
        }),
      );
    }
  }
  return Array.from({ length: options.services }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${i}`,
      namespace: 'default',
      annotations: {
        'aws.amazon.com/aws-proton-service': `${BENCH_ARN_PREFIX}:service/service-${i}`,
      },
    },
    spec: { type: 'service', owner: `group:default/team-${i % 10}` },
  }));
}

/** The plugin's configuration against a scratch control plane, with Backstage's memory cache. */
export function benchConfig(scratch: ScratchControlPlane): Config {
  return new ConfigReader({
    aws: { accounts: [{ accountId: '000000000000', ...scratch.credentials }] },
    awsProton: {
      regions: ['us-east-1'],
      accountIds: ['000000000000'],
      endpoint: scratch.server.endpoint,
    },
    backend: { cache: { store: 'memory' } },
  });
}
