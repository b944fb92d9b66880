/*
 * The control plane of the overview bench, in a process of its own as AWS Proton or a deployed
 * control plane would be: its CPU time (signature checks, database reads) is not the plugin's
 * latency. It adds DELAY_MS to every call, seeds a service of INSTANCES instances (each in its own
 * environment, with two outputs), prints `{"endpoint", "credentials", "delayMs"}` as one JSON line and runs
 * until its standard input closes.
 *
 * Started by overviewBench.ts; not meant to be run alone.
 */
import {
  GetEnvironmentCommand,
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
} from '@aws-sdk/client-proton';
import { seedProtonResources } from '@proton-platform/proton-server';
import { startScratchControlPlane } from '@proton-platform/proton-server/testUtils';

/** Milliseconds the control plane adds to every call. */
const DELAY_MS = 50;
/** Instances of the bench's service. */
const INSTANCES = 20;

async function main() {
  const scratch = await startScratchControlPlane({ responseDelayMs: DELAY_MS });
  const { server, client: admin, credentials, noopBundles } = scratch;
  const environments = Array.from({ length: INSTANCES }, (_, i) => `env${i}`);
  await seedProtonResources(admin, {
    environmentTemplates: [
      {
        name: 'env',
        versions: [
          {
            version: '1.0',
            source: noopBundles.environment,
            publish: true,
          },
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
          {
            version: '1.0',
            source: noopBundles.service,
            publish: true,
          },
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
    const { environment } = await admin.send(
      new GetEnvironmentCommand({ name }),
    );
    await admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: environment!.arn!,
        status: 'SUCCEEDED',
      }),
    );
  }
  await seedProtonResources(admin, {
    services: [
      {
        name: 'bench',
        templateName: 'svc',
        templateMajorVersion: '1',
        spec: `proton: ServiceSpec\ninstances:\n${environments
          .map(e => `  - name: ${e}\n    environment: ${e}\n    spec: {}\n`)
          .join('')}`,
      },
    ],
  });
  const { serviceInstances = [] } = await admin.send(
    new ListServiceInstancesCommand({ serviceName: 'bench' }),
  );
  for (const instance of serviceInstances) {
    await admin.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: instance.arn!,
        status: 'SUCCEEDED',
        outputs: [
          {
            key: 'serviceUrl',
            valueString: `http://lb.example/${instance.name}`,
          },
          { key: 'ecsServiceName', valueString: `bench-${instance.name}` },
        ],
      }),
    );
  }

  process.stdout.write(
    `${JSON.stringify({
      endpoint: server.endpoint,
      credentials,
      delayMs: DELAY_MS,
    })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => {
    scratch.stop().then(() => process.exit(0));
  });
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
