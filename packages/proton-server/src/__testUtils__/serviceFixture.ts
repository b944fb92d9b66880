import {
  CreateServiceCommand,
  GetServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import {
  codebuildManifest,
  createEnvironment,
  shellEnvironmentBundle,
  waitForEnvironmentStatus,
} from './shellBundles';
import { serviceSchema } from './templateBundles';
import {
  publishEnvironmentVersion,
  publishServiceVersion,
} from './templateFixtures';
import type { TestServer } from './testServer';

/** Polls a service instance until its deployment status is one of `statuses` (at most 30 s). */
export async function waitForInstanceStatus(
  test: Pick<TestServer, 'client'>,
  serviceName: string,
  name: string,
  statuses: string[],
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { serviceInstance } = await test.client.send(
      new GetServiceInstanceCommand({ serviceName, name }),
    );
    if (statuses.includes(serviceInstance!.deploymentStatus!)) {
      return serviceInstance!;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${serviceName}/${name} is still ${
          serviceInstance!.deploymentStatus
        }, not ${statuses}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * On a server made by `startTemplateTestServer` with a runner: publishes `vpc` 1.0 (steps that do
 * nothing) and `web` 1.0 whose instances run `instanceSteps`, deploys the environment `dev`, and
 * creates the service `api` with the instance `dev` (waiting for both, created through `creator`,
 * the same server by default).
 */
export async function deployServiceFixture(
  test: TestServer,
  instanceSteps: string[],
  creator: Pick<TestServer, 'client'> = test,
): Promise<void> {
  await publishEnvironmentVersion(
    test,
    'vpc.tar.gz',
    undefined,
    shellEnvironmentBundle(['true']),
  );
  await publishServiceVersion(test, {
    'schema/schema.yaml': serviceSchema(),
    'instance_infrastructure/manifest.yaml': codebuildManifest(instanceSteps, [
      'true',
    ]),
  });
  await createEnvironment(test, 'dev');
  await waitForEnvironmentStatus(test, 'dev', ['SUCCEEDED']);
  await creator.client.send(
    new CreateServiceCommand({
      name: 'api',
      templateName: 'web',
      templateMajorVersion: '1',
      spec: 'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: 8080\n',
    }),
  );
  await waitForInstanceStatus(creator, 'api', 'dev', ['SUCCEEDED']);
}
