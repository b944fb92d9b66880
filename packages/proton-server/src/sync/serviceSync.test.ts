import {
  CreateRepositoryCommand,
  CreateServiceInstanceCommand,
  CreateServiceSyncConfigCommand,
  GetServiceInstanceCommand,
  GetServiceInstanceSyncStatusCommand,
  GetServiceSyncBlockerSummaryCommand,
  ListDeploymentsCommand,
  ListRepositorySyncDefinitionsCommand,
  UpdateServiceInstanceCommand,
  UpdateServiceSyncBlockerCommand,
} from '@aws-sdk/client-proton';
import { createLocalRunner } from '../deployments/localRunner';
import {
  GitHttpServer,
  GitWorkingCopy,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import {
  deployServiceFixture,
  waitForInstanceStatus,
} from '../__testUtils__/serviceFixture';
import {
  createEnvironment,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import { startTemplateTestServer } from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';

/**
 * Service sync against a real Git server on 127.0.0.1 (AWS Proton User Guide, "Service sync
 * configurations"; API reference: ServiceSyncBlockerSummary, UpdateServiceSyncBlocker).
 */

jest.setTimeout(90_000);

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/service-sync';

const OPS_FILE = `sync:
  services:
    api:
      dev:
        branch: main
        spec: ./api/spec.yaml
      prod:
        branch: main
        spec: ./api/spec.yaml
`;

function serviceSpec(devPort: number, prodPort = 8080): string {
  return `proton: ServiceSpec
instances:
  - name: dev
    environment: dev
    spec:
      port: ${devPort}
  - name: prod
    environment: prod
    spec:
      port: ${prodPort}
`;
}

describe('service sync from a proton-ops file', () => {
  let git: GitHttpServer;
  let test: TestServer;
  let repository: GitWorkingCopy;

  async function deploymentCount(instance: string): Promise<number> {
    const { deployments } = await test.client.send(
      new ListDeploymentsCommand({
        serviceName: 'api',
        serviceInstanceName: instance,
      }),
    );
    return deployments!.length;
  }

  async function port(instance: string): Promise<string | undefined> {
    const { serviceInstance } = await test.client.send(
      new GetServiceInstanceCommand({ serviceName: 'api', name: instance }),
    );
    return /port: (\d+)/.exec(
      serviceInstance!.spec!.split(`name: ${instance}`)[1] ?? '',
    )?.[1];
  }

  async function pushAndSync(devPort: number, message: string) {
    await repository.write({ 'api/spec.yaml': serviceSpec(devPort) });
    const sha = await repository.commitAndPush(message);
    await test.server.pollRepositories();
    await test.server.settled();
    return sha;
  }

  async function syncStatus(instance: string) {
    return test.client.send(
      new GetServiceInstanceSyncStatusCommand({
        serviceName: 'api',
        serviceInstanceName: instance,
      }),
    );
  }

  beforeAll(async () => {
    git = await startGitHttpServer();
    test = await startTemplateTestServer({
      deploymentRunner: createLocalRunner(),
      git: {
        connections: [
          { arn: CONNECTION, provider: 'GITHUB', baseUrl: git.baseUrl },
        ],
        pollIntervalSeconds: 0,
      },
    });
    await deployServiceFixture(test, ['true']);
    await createEnvironment(test, 'prod');
    await waitForEnvironmentStatus(test, 'prod', ['SUCCEEDED']);
    await test.client.send(
      new CreateServiceInstanceCommand({
        serviceName: 'api',
        name: 'prod',
        spec: serviceSpec(8080),
      }),
    );
    await waitForInstanceStatus(test, 'api', 'prod', ['SUCCEEDED']);
    repository = await git.createRepository('team/api');
    await repository.write({
      'proton-ops.yaml': OPS_FILE,
      'api/spec.yaml': serviceSpec(8080),
    });
    await repository.commitAndPush('Sync the api service');
    await test.client.send(
      new CreateRepositoryCommand({
        provider: 'GITHUB',
        name: 'team/api',
        connectionArn: CONNECTION,
      }),
    );
  });

  afterAll(async () => {
    await test?.stop();
    await git?.stop();
  });

  it('deploys nothing when the instances already run the specs the file names', async () => {
    await test.client.send(
      new CreateServiceSyncConfigCommand({
        serviceName: 'api',
        repositoryProvider: 'GITHUB',
        repositoryName: 'team/api',
        branch: 'main',
        filePath: 'proton-ops.yaml',
      }),
    );
    await test.server.settled();
    expect(await deploymentCount('dev')).toBe(1);
    expect(await deploymentCount('prod')).toBe(1);
    const { latestSync } = await syncStatus('dev');
    expect(latestSync?.status).toBe('SUCCEEDED');
    expect(latestSync?.events?.[0]?.event).toBe(
      'already runs this spec; nothing to deploy',
    );
    const { syncDefinitions } = await test.client.send(
      new ListRepositorySyncDefinitionsCommand({
        repositoryProvider: 'GITHUB',
        repositoryName: 'team/api',
        syncType: 'SERVICE_SYNC',
      }),
    );
    expect(syncDefinitions).toEqual(
      ['dev', 'prod'].map(target => ({
        branch: 'main',
        directory: 'api/spec.yaml',
        parent: 'api',
        target,
      })),
    );
  });

  it('deploys only the instance whose entry a commit changed', async () => {
    const sha = await pushAndSync(9090, 'Move dev to 9090');
    await waitForInstanceStatus(test, 'api', 'dev', ['SUCCEEDED']);
    expect(await port('dev')).toBe('9090');
    expect(await deploymentCount('dev')).toBe(2);
    expect(await deploymentCount('prod')).toBe(1);
    const status = await syncStatus('dev');
    expect(status.latestSync?.status).toBe('SUCCEEDED');
    expect(status.latestSync?.targetRevision).toEqual({
      repositoryName: 'team/api',
      repositoryProvider: 'GITHUB',
      branch: 'main',
      sha,
      directory: 'api/spec.yaml',
    });
    expect(status.latestSync?.events?.at(-1)?.event).toMatch(
      /^The deployment .+ succeeded$/,
    );
  });

  it('raises a blocker on a manual update, holds the next commit until the blocker is resolved, then deploys it and the next', async () => {
    await test.client.send(
      new UpdateServiceInstanceCommand({
        serviceName: 'api',
        name: 'dev',
        deploymentType: 'CURRENT_VERSION',
        spec: serviceSpec(7070),
      }),
    );
    await waitForInstanceStatus(test, 'api', 'dev', ['SUCCEEDED']);
    const { serviceSyncBlockerSummary } = await test.client.send(
      new GetServiceSyncBlockerSummaryCommand({
        serviceName: 'api',
        serviceInstanceName: 'dev',
      }),
    );
    expect(serviceSyncBlockerSummary?.latestBlockers).toHaveLength(1);
    const [blocker] = serviceSyncBlockerSummary!.latestBlockers!;
    expect(blocker).toMatchObject({
      status: 'ACTIVE',
      type: 'AUTOMATED',
      createdReason:
        'The service instance dev was updated outside of service sync (UpdateServiceInstance)',
    });

    await pushAndSync(9191, 'Move dev to 9191');
    expect(await port('dev')).toBe('7070');
    const blocked = await syncStatus('dev');
    expect(blocked.latestSync?.status).toBe('FAILED');
    expect(blocked.latestSync?.events?.[0]?.event).toBe(
      `not deployed: the sync blocker ${blocker.id} holds it (${blocker.createdReason}); ` +
        'resolve it with UpdateServiceSyncBlocker',
    );

    const resolved = await test.client.send(
      new UpdateServiceSyncBlockerCommand({
        id: blocker.id,
        resolvedReason: 'The manual change is in the repository now',
      }),
    );
    expect(resolved.serviceSyncBlocker).toMatchObject({
      status: 'RESOLVED',
      resolvedReason: 'The manual change is in the repository now',
    });
    // what the blocker held back (9191) is deployed once it is resolved
    await test.server.settled();
    await waitForInstanceStatus(test, 'api', 'dev', ['SUCCEEDED']);
    expect(await port('dev')).toBe('9191');
    await expect(
      test.client.send(
        new UpdateServiceSyncBlockerCommand({
          id: blocker.id,
          resolvedReason: 'again',
        }),
      ),
    ).rejects.toThrow(/was resolved already/);

    await pushAndSync(9292, 'Move dev to 9292');
    await waitForInstanceStatus(test, 'api', 'dev', ['SUCCEEDED']);
    expect(await port('dev')).toBe('9292');
    expect(await port('prod')).toBe('8080');
    expect(await deploymentCount('prod')).toBe(1);
  });

  it('names a spec file without an entry for an instance', async () => {
    await repository.write({
      'api/spec.yaml': serviceSpec(9292).split('  - name: prod')[0],
    });
    await repository.commitAndPush('Drop prod from the spec');
    await test.server.pollRepositories();
    await test.server.settled();
    const { latestSync } = await syncStatus('prod');
    expect(latestSync?.status).toBe('FAILED');
    expect(latestSync?.events?.[0]?.event).toBe(
      'the spec file api/spec.yaml has no entry for the instance prod under instances',
    );
  });
});
