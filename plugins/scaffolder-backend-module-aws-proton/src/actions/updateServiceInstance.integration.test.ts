import {
  CreateServiceCommand,
  GetServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import { createAwsProtonUpdateServiceInstanceAction } from './updateServiceInstance';

describe('aws:proton:update-service-instance against the control plane', () => {
  let plane: TestControlPlane;
  const permissions = { authorize: jest.fn(async () => [{ result: 'ALLOW' }]) };

  beforeAll(async () => {
    plane = await startTestControlPlane(['dev']);
    await plane.admin.send(
      new CreateServiceCommand({
        name: 'legacy_api',
        templateName: 'fargate-service',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: 'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      path: /legacy\n',
      }),
    );
    // let the fake deployer finish the first deployment
    for (let i = 0; i < 100; i++) {
      const { serviceInstance } = await plane.admin.send(
        new GetServiceInstanceCommand({
          serviceName: 'legacy_api',
          name: 'dev',
        }),
      );
      if (serviceInstance?.deploymentStatus === 'SUCCEEDED') break;
      await new Promise(r => setTimeout(r, 50));
    }
  }, 60_000);
  afterAll(() => plane.stop());

  const action = () =>
    createAwsProtonUpdateServiceInstanceAction({
      clients: plane.clients,
      permissions: permissions as any,
      pollIntervals: { initialMs: 20, maxMs: 100 },
    });
  const context = (input: Record<string, unknown>): any =>
    createMockActionContext({
      input: input as any,
      logger: mockServices.logger.mock(),
    });
  const current = async () =>
    (
      await plane.admin.send(
        new GetServiceInstanceCommand({
          serviceName: 'legacy_api',
          name: 'dev',
        }),
      )
    ).serviceInstance!;

  it('upgrades to the recommended minor version, checking the permission on the entity', async () => {
    const dry = {
      ...context({
        serviceName: 'legacy_api',
        instanceName: 'dev',
        upgrade: 'minor',
      }),
      isDryRun: true,
    };
    await action().handler(dry);
    expect((await current()).templateMinorVersion).toBe('0');

    const ctx = context({
      serviceName: 'legacy_api',
      instanceName: 'dev',
      upgrade: 'minor',
    });
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('templateVersion', '1.1');
    expect(ctx.output).toHaveBeenCalledWith('deploymentStatus', 'SUCCEEDED');
    expect((await current()).templateMinorVersion).toBe('1');
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'aws-proton.service-instance.update',
          }),
          resourceRef: 'component:default/legacy-api',
        },
      ],
      expect.anything(),
    );

    const again = context({
      serviceName: 'legacy_api',
      instanceName: 'dev',
      upgrade: 'minor',
    });
    await action().handler(again);
    expect(again.logger.info).toHaveBeenCalledWith(
      'The AWS Proton service instance legacy_api/dev already runs 1.1 with these inputs; nothing to do',
    );
  }, 30_000);

  it('changes inputs after validating them, and refuses invalid ones', async () => {
    await expect(
      action().handler(
        context({
          serviceName: 'legacy_api',
          instanceName: 'dev',
          inputs: { path: '/legacy', desiredCount: 11 },
        }),
      ),
    ).rejects.toThrow('instances[0].spec.desiredCount: must be <= 10');
    await action().handler(
      context({
        serviceName: 'legacy_api',
        instanceName: 'dev',
        inputs: { path: '/legacy', desiredCount: 3 },
      }),
    );
    expect((await current()).spec).toContain('desiredCount: 3');
  }, 30_000);
});
