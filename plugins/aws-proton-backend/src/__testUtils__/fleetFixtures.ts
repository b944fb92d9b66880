import {
  GetEnvironmentCommand,
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  ProtonClient,
  waitUntilEnvironmentDeployed,
} from '@aws-sdk/client-proton';
import { seedProtonResources } from '@proton-platform/proton-server';
import {
  noopTemplatesPlan,
  type ScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';

/** A service spec with one instance per environment, named after it, with no inputs. */
export function serviceSpec(...environments: string[]): string {
  return `proton: ServiceSpec\ninstances:\n${environments
    .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
    .join('')}`;
}

/**
 * Seeds a scratch control plane with the environment template `env` 1.0, the service template
 * `web` (customer-managed pipelines) with `versions` published, and `environments`, deployed: their
 * deployments reported SUCCEEDED (as a runner would), or, with `runner`, deployed by the control
 * plane's own runner and waited for.
 *
 * @param versions - `major.minor` and bundle source of each version of `web`; by default 1.0 and
 *   1.1, both the no-op bundle
 */
export async function seedWebTemplate(
  controlPlane: ScratchControlPlane,
  environments: string[],
  versions?: Array<{
    version: string;
    source: { bucket: string; key: string };
  }>,
  options: { runner?: boolean } = {},
): Promise<void> {
  const { client, noopBundles } = controlPlane;
  await seedProtonResources(
    client,
    noopTemplatesPlan(noopBundles, {
      environments,
      serviceVersions: versions,
    }),
  );
  for (const name of environments) {
    if (options.runner) {
      await waitUntilEnvironmentDeployed(
        { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
        { name },
      );
      continue;
    }
    const { environment } = await client.send(
      new GetEnvironmentCommand({ name }),
    );
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: environment!.arn!,
        status: 'SUCCEEDED',
      }),
    );
  }
}

/**
 * Reports the outcome of every service instance deployment in progress, as a runner would:
 * SUCCEEDED, or FAILED for the instances named in `failing` (`service/instance`).
 */
export async function settleDeployments(
  client: ProtonClient,
  failing: string[] = [],
): Promise<void> {
  const { serviceInstances = [] } = await client.send(
    new ListServiceInstancesCommand({}),
  );
  for (const found of serviceInstances) {
    if (found.deploymentStatus !== 'IN_PROGRESS') continue;
    const failed = failing.includes(`${found.serviceName}/${found.name}`);
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: found.arn!,
        status: failed ? 'FAILED' : 'SUCCEEDED',
        statusMessage: failed ? 'the tasks did not become healthy' : undefined,
      }),
    );
  }
}
