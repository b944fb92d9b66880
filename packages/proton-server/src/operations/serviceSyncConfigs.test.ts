import {
  GitHttpServer,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import { useConformanceServer } from '../__testUtils__/conformanceServer';
import {
  expectError,
  expectOk,
  protonClientKinds,
} from '../__testUtils__/protonClients';
import { deployServiceFixture } from '../__testUtils__/serviceFixture';
import { startTemplateTestServer } from '../__testUtils__/templateFixtures';

/**
 * Service sync through the three clients (AWS Proton API reference: CreateServiceSyncConfig,
 * GetServiceSyncConfig, UpdateServiceSyncConfig, DeleteServiceSyncConfig,
 * GetServiceInstanceSyncStatus, GetServiceSyncBlockerSummary, UpdateServiceSyncBlocker).
 */

jest.setTimeout(120_000);

const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/service-sync';

const SPEC = (port: number) =>
  `proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: ${port}\n`;

let git: GitHttpServer | undefined;

afterAll(async () => {
  await git?.stop();
});

const { kinds } = protonClientKinds();

describe.each(kinds.map(kind => [kind.name, kind] as const))(
  'service sync configurations with %s',
  (name, kind) => {
    const repositoryName = `team/${name.replace(/\W+/g, '-').toLowerCase()}`;
    const harness = useConformanceServer(kind, async options => {
      git ??= await startGitHttpServer();
      return startTemplateTestServer({
        ...options,
        git: {
          connections: [
            { arn: CONNECTION, provider: 'GITHUB', baseUrl: git.baseUrl },
          ],
          pollIntervalSeconds: 0,
        },
      });
    });
    const { call } = harness;
    const config = {
      serviceName: 'api',
      repositoryProvider: 'GITHUB',
      repositoryName,
      branch: 'main',
      filePath: 'ops/proton-ops.yaml',
    };

    beforeAll(async () => {
      await deployServiceFixture(harness.test, ['true']);
      const copy = await git!.createRepository(repositoryName);
      await copy.write({
        'ops/proton-ops.yaml':
          'sync:\n  services:\n    api:\n      dev:\n        branch: main\n        spec: ./api.yaml\n',
        'api.yaml': SPEC(9000),
      });
      await copy.commitAndPush('Sync api');
      expectOk(
        await call('CreateRepository', {
          provider: 'GITHUB',
          name: repositoryName,
          connectionArn: CONNECTION,
        }),
      );
    });

    it('creates, reads and updates a configuration, refusing what cannot work', async () => {
      expect(
        expectError(
          await call('CreateServiceSyncConfig', {
            ...config,
            serviceName: 'nothing',
          }),
          'ValidationException',
          400,
        ),
      ).toBe(
        'The service nothing does not exist; create it before its sync configuration',
      );
      expect(
        expectError(
          await call('CreateServiceSyncConfig', {
            ...config,
            repositoryName: 'team/unlinked',
          }),
          'ValidationException',
        ),
      ).toBe(
        'The GITHUB repository team/unlinked is not linked; link it with CreateRepository first',
      );
      expect(
        expectError(
          await call('CreateServiceSyncConfig', {
            ...config,
            filePath: '../proton-ops.yaml',
          }),
          'ValidationException',
        ),
      ).toMatch(/without "\.\." segments/);
      expect(expectOk(await call('CreateServiceSyncConfig', config))).toEqual({
        serviceSyncConfig: config,
      });
      expect(
        expectError(
          await call('CreateServiceSyncConfig', config),
          'ConflictException',
          409,
        ),
      ).toMatch(/already has a service sync configuration/);
      expect(
        expectOk(await call('GetServiceSyncConfig', { serviceName: 'api' })),
      ).toEqual({ serviceSyncConfig: config });
      expect(expectOk(await call('UpdateServiceSyncConfig', config))).toEqual({
        serviceSyncConfig: config,
      });
      const status = expectOk(
        await call('GetServiceInstanceSyncStatus', {
          serviceName: 'api',
          serviceInstanceName: 'dev',
        }),
      );
      expect(status.latestSync).toMatchObject({
        target: 'dev',
        targetRevision: {
          repositoryName,
          repositoryProvider: 'GITHUB',
          branch: 'main',
          directory: 'api.yaml',
        },
      });
      expect(['IN_PROGRESS', 'SUCCEEDED']).toContain(status.latestSync.status);
      expect(typeof status.latestSync.startedAt).toBe('number');
      expect(status.desiredState.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(
        expectError(
          await call('GetServiceInstanceSyncStatus', {
            serviceName: 'api',
            serviceInstanceName: 'nothing',
          }),
          'ResourceNotFoundException',
          404,
        ),
      ).toBe('The service instance nothing of api does not exist');
    });

    it('raises a blocker on a manual update and resolves it once', async () => {
      expect(
        expectOk(
          await call('GetServiceSyncBlockerSummary', { serviceName: 'api' }),
        ),
      ).toEqual({
        serviceSyncBlockerSummary: { serviceName: 'api', latestBlockers: [] },
      });
      // the sync's own deployment must end before a manual update is accepted
      await harness.test.server.settled();
      for (let i = 0; i < 100; i += 1) {
        const { serviceInstance } = expectOk(
          await call('GetServiceInstance', { serviceName: 'api', name: 'dev' }),
        );
        if (serviceInstance.deploymentStatus === 'SUCCEEDED') break;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expectOk(
        await call('UpdateServiceInstance', {
          serviceName: 'api',
          name: 'dev',
          deploymentType: 'CURRENT_VERSION',
          spec: SPEC(7000),
        }),
      );
      const { serviceSyncBlockerSummary } = expectOk(
        await call('GetServiceSyncBlockerSummary', {
          serviceName: 'api',
          serviceInstanceName: 'dev',
        }),
      );
      expect(serviceSyncBlockerSummary.serviceInstanceName).toBe('dev');
      expect(serviceSyncBlockerSummary.latestBlockers).toHaveLength(1);
      const [blocker] = serviceSyncBlockerSummary.latestBlockers;
      expect(blocker).toMatchObject({
        type: 'AUTOMATED',
        status: 'ACTIVE',
        contexts: expect.arrayContaining([
          { key: 'serviceInstanceName', value: 'dev' },
        ]),
      });
      expect(typeof blocker.createdAt).toBe('number');
      const resolved = expectOk(
        await call('UpdateServiceSyncBlocker', {
          id: blocker.id,
          resolvedReason: 'kept by hand on purpose',
        }),
      );
      expect(resolved).toMatchObject({
        serviceName: 'api',
        serviceInstanceName: 'dev',
        serviceSyncBlocker: {
          id: blocker.id,
          status: 'RESOLVED',
          resolvedReason: 'kept by hand on purpose',
        },
      });
      expect(typeof resolved.serviceSyncBlocker.resolvedAt).toBe('number');
      expect(
        expectError(
          await call('UpdateServiceSyncBlocker', {
            id: blocker.id,
            resolvedReason: 'again',
          }),
          'ConflictException',
        ),
      ).toMatch(/was resolved already/);
      expect(
        expectError(
          await call('UpdateServiceSyncBlocker', {
            id: 'no-such-blocker',
            resolvedReason: 'x',
          }),
          'ResourceNotFoundException',
        ),
      ).toBe('The service sync blocker no-such-blocker does not exist');
    });

    it('lists the instances the proton-ops file names as sync definitions', async () => {
      expect(
        expectOk(
          await call('ListRepositorySyncDefinitions', {
            repositoryProvider: 'GITHUB',
            repositoryName,
            syncType: 'SERVICE_SYNC',
          }),
        ),
      ).toEqual({
        syncDefinitions: [
          {
            branch: 'main',
            directory: 'api.yaml',
            parent: 'api',
            target: 'dev',
          },
        ],
      });
    });

    it('deletes the configuration', async () => {
      expect(
        expectOk(await call('DeleteServiceSyncConfig', { serviceName: 'api' })),
      ).toEqual({ serviceSyncConfig: config });
      for (const operation of [
        'GetServiceSyncConfig',
        'DeleteServiceSyncConfig',
      ]) {
        expect(
          expectError(
            await call(operation, { serviceName: 'api' }),
            'ResourceNotFoundException',
          ),
        ).toBe(
          'The service sync configuration of the service api does not exist',
        );
      }
    });
  },
);
