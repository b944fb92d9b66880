import { ListEnvironmentsCommand } from '@aws-sdk/client-proton';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import { createAwsProtonEnvironmentAction } from './createEnvironment';

describe('aws:proton:create-environment against the control plane', () => {
  let plane: TestControlPlane;
  const workspace = createMockDirectory();
  const events = { publish: jest.fn(async () => {}), subscribe: jest.fn() };

  beforeAll(async () => {
    plane = await startTestControlPlane([]);
  }, 60_000);
  afterAll(() => plane.stop());

  const action = () =>
    createAwsProtonEnvironmentAction({
      clients: plane.clients,
      events,
      pollIntervals: { initialMs: 20, maxMs: 100 },
    });
  const context = (input: Record<string, unknown>): any =>
    createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
  const names = async () =>
    (
      (await plane.admin.send(new ListEnvironmentsCommand({}))).environments ??
      []
    ).map(e => e.name);

  it('creates an environment from inputs, waits for it and announces it', async () => {
    plane.deployer.outcomes.set('qa', {
      status: 'SUCCEEDED',
      outputs: { vpcId: 'vpc-123' },
    });
    const input = {
      name: 'qa',
      templateName: 'fargate-env',
      inputs: { natGateways: 'None' },
    };
    const dry = { ...context(input), isDryRun: true };
    await action().handler(dry);
    expect(await names()).toEqual([]);

    const ctx = context(input);
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('outputs', { vpcId: 'vpc-123' });
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/qa');
    expect(events.publish).toHaveBeenCalledWith({
      topic: 'aws-proton',
      eventPayload: {
        action: 'created',
        arn: 'arn:aws:proton:us-east-1:000000000000:environment/qa',
      },
    });
    // A re-run adopts it; other inputs are refused
    await action().handler(context(input));
    await expect(
      action().handler(
        context({ ...input, inputs: { natGateways: 'OnePerAz' } }),
      ),
    ).rejects.toThrow(
      'An AWS Proton environment named qa already exists in account 000000000000, region us-east-1 with the template fargate-env but another spec',
    );
    expect(await names()).toEqual(['qa']);
  }, 30_000);

  it('reads a spec file from the workspace, and creates nothing when it is invalid', async () => {
    workspace.setContent({
      'env.yaml':
        'proton: EnvironmentSpec\nspec:\n  natGateways: Many\n  vpcCidrBlock: "10.0.0.0 /16"\n',
    });
    await expect(
      action().handler(
        context({
          name: 'bad',
          templateName: 'fargate-env',
          specPath: 'env.yaml',
        }),
      ),
    ).rejects.toThrow(
      [
        '2 problems in the spec of the environment bad (against fargate-env 1.0):',
        '  - spec.vpcCidrBlock: is not in the expected form (pattern ^[0-9./]+$)',
        '  - spec.natGateways: must be one of "None", "Single", "OnePerAz"',
      ].join('\n'),
    );
    expect(await names()).not.toContain('bad');
  });

  it('fails with the status message of a failed deployment', async () => {
    plane.deployer.outcomes.set('broken', {
      status: 'FAILED',
      statusMessage: 'VPC quota exceeded',
    });
    await expect(
      action().handler(
        context({ name: 'broken', templateName: 'fargate-env' }),
      ),
    ).rejects.toThrow('broken: Failed - VPC quota exceeded');
  }, 30_000);
});
