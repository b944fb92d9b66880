import {
  CreateServiceCommand,
  ListServiceInstancesCommand,
} from '@aws-sdk/client-proton';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { countProtonCalls } from '@proton-platform/proton-server/testUtils';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import { createAwsProtonServiceInstanceAction } from './createServiceInstance';

describe('aws:proton:create-service-instance against the control plane', () => {
  let plane: TestControlPlane;
  const permissions = { authorize: jest.fn(async () => [{ result: 'ALLOW' }]) };

  beforeAll(async () => {
    plane = await startTestControlPlane(['dev', 'prod']);
    await plane.admin.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'fargate-service',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances: []\n',
      }),
    );
  }, 60_000);
  afterAll(() => plane.stop());

  const action = () =>
    createAwsProtonServiceInstanceAction({
      clients: plane.clients,
      permissions: permissions as any,
      pollIntervals: { initialMs: 20, maxMs: 100 },
    });
  const context = (input: Record<string, unknown>): any =>
    createMockActionContext({
      input: input as any,
      logger: mockServices.logger.mock(),
    });
  const instances = async () =>
    (
      await plane.admin.send(
        new ListServiceInstancesCommand({ serviceName: 'api' }),
      )
    ).serviceInstances ?? [];

  it('validates, creates, waits and adopts on a re-run', async () => {
    const input = {
      serviceName: 'api',
      instanceName: 'api-dev',
      environment: 'dev',
      inputs: { path: '/api' },
    };
    const dry = { ...context(input), isDryRun: true };
    await action().handler(dry);
    expect(await instances()).toHaveLength(0);
    expect(dry.output).toHaveBeenCalledWith('deploymentStatus', 'NOT_CREATED');

    await expect(
      action().handler(context({ ...input, inputs: { path: 'api', port: 0 } })),
    ).rejects.toThrow(
      [
        '2 problems in the inputs of the instance api/api-dev (against fargate-service 1.1):',
        '  - instances[0].spec.port: must be >= 1',
        '  - instances[0].spec.path: is not in the expected form (pattern ^(/|(/[A-Za-z0-9._~-]+)+)$)',
      ].join('\n'),
    );
    expect(await instances()).toHaveLength(0);

    const ctx = context(input);
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('deploymentStatus', 'SUCCEEDED');
    expect(ctx.output).toHaveBeenCalledWith(
      'serviceUrl',
      'http://api-dev.example',
    );
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'aws-proton.service.create',
          }),
        },
      ],
      expect.anything(),
    );

    const calls = countProtonCalls(await plane.clients.getClient());
    calls.clear();
    await action().handler(context(input));
    expect(calls.get('CreateServiceInstance')).toBeUndefined();
    expect(await instances()).toHaveLength(1);

    await expect(
      action().handler(context({ ...input, environment: 'prod' })),
    ).rejects.toThrow(
      'The AWS Proton service instance api/api-dev already exists in the environment dev, not prod',
    );
  }, 30_000);

  it('names the service that does not exist', async () => {
    await expect(
      action().handler(
        context({
          serviceName: 'nothing',
          instanceName: 'a',
          environment: 'dev',
        }),
      ),
    ).rejects.toThrow(
      'AWS Proton has no service "nothing" in account 000000000000, region us-east-1',
    );
  });
});
