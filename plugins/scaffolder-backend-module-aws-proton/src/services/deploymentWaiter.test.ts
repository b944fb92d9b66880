import {
  CreateServiceCommand,
  GetServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import {
  createLocalRunner,
  seedProtonResources,
} from '@proton-platform/proton-server';
import {
  noopTemplatesPlan,
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import {
  waitForEnvironment,
  waitForServiceInstances,
} from './deploymentWaiter';
import { ProtonSession } from './ProtonSession';

/**
 * The waits of the actions against a control plane whose local runner runs the no-op bundles (their
 * step echoes): the task's log gets the runner's lines of each deployment it waits for.
 */

jest.setTimeout(90_000);

describe('waiting for deployments', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane({
      deploymentRunner: createLocalRunner(),
    });
    const { client, noopBundles } = controlPlane;
    await seedProtonResources(
      client,
      noopTemplatesPlan(noopBundles, {
        environments: ['dev'],
        serviceVersions: [{ version: '1.0', source: noopBundles.service }],
      }),
    );
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  const session = (endpoint: string) =>
    ProtonSession.open(
      ProtonClientFactory.fromConfig(
        new ConfigReader({
          aws: {
            accounts: [
              { accountId: '000000000000', ...controlPlane.credentials },
            ],
          },
          awsProton: {
            regions: ['us-east-1'],
            accountIds: ['000000000000'],
            endpoint,
          },
        }),
      ),
      {},
    );

  const options = (logger = mockServices.logger.mock()) => ({
    logger,
    intervals: { initialMs: 200, maxMs: 500 },
    maxWaitMs: 60_000,
  });

  const lines = (logger: ReturnType<typeof mockServices.logger.mock>) =>
    logger.info.mock.calls.map(([message]) => String(message));

  it("hands each instance's and the environment's runner lines on to the task's log, once", async () => {
    const own = await session(controlPlane.server.endpoint);
    const environmentLogger = mockServices.logger.mock();
    const environment = await waitForEnvironment(
      own,
      'dev',
      options(environmentLogger),
    );
    expect(environment.deploymentStatus).toBe('SUCCEEDED');
    expect(lines(environmentLogger)).toContainEqual(
      expect.stringMatching(/^\[dev\] .*provision/),
    );

    await controlPlane.client.send(
      new CreateServiceCommand({
        name: 'shop',
        templateName: 'web',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec: {}\n',
      }),
    );
    const logger = mockServices.logger.mock();
    const [instance] = await waitForServiceInstances(
      own,
      'shop',
      ['dev'],
      options(logger),
    );
    expect(instance.deploymentStatus).toBe('SUCCEEDED');
    const handedOn = lines(logger).filter(line => line.startsWith('[dev] '));
    // the deployment's lines come before what its status became
    expect(lines(logger).at(-1)).toBe(
      'Instance dev (environment dev): Succeeded',
    );
    expect(handedOn).toContainEqual(
      expect.stringMatching(/^\[dev\] .*echo provision/),
    );
    // each line once, in the log's order
    const { serviceInstance } = await controlPlane.client.send(
      new GetServiceInstanceCommand({ serviceName: 'shop', name: 'dev' }),
    );
    const log = await own.readDeploymentLog(
      serviceInstance!.lastAttemptedDeploymentId!,
    );
    expect(handedOn).toEqual(
      log.text
        .split('\n')
        .filter(line => line.trim())
        .map(line => `[dev] ${line.trimEnd()}`),
    );
  });

  it('reads no log where there is no control plane to read it from', async () => {
    // as against AWS Proton: no endpoint to read logs from (the client itself reaches the control plane)
    const aws = new ProtonSession(
      controlPlane.client,
      { accountId: '000000000000', region: 'us-east-1' },
      { timeoutMs: 5_000 },
    );
    const logger = mockServices.logger.mock();
    await waitForEnvironment(aws, 'dev', options(logger));
    expect(lines(logger)).toEqual(['Environment dev: Succeeded']);
    expect(logger.warn).not.toHaveBeenCalled();
  });
});
