import {
  CreateEnvironmentTemplateCommand,
  CreateEnvironmentTemplateVersionCommand,
  GetServiceCommand,
  ListEnvironmentOutputsCommand,
  UpdateEnvironmentTemplateVersionCommand,
} from '@aws-sdk/client-proton';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import {
  readSoftwareTemplate,
  renderTemplateValue,
  SOFTWARE_TEMPLATES,
} from '../__testUtils__/templateRendering';
import { writeBundle } from '../__testUtils__/templateBundles';
import { createAwsProtonEnvironmentAction } from './createEnvironment';
import { createAwsProtonServiceAction } from './createService';

describe('the software templates of templates/scaffolder, against the control plane', () => {
  let plane: TestControlPlane;
  const workspace = createMockDirectory();
  const options = () => ({
    clients: plane.clients,
    pollIntervals: { initialMs: 20, maxMs: 100 },
  });
  const context = (input: any): any =>
    createMockActionContext({
      input,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });

  beforeAll(async () => {
    plane = await startTestControlPlane(['dev', 'prod']);
  }, 60_000);
  afterAll(() => plane.stop());

  it("runs the archived plugin's tutorial shape: a spec rendered by fetch:template, then serviceSpecPath", async () => {
    const template = readSoftwareTemplate('proton-tutorial-service');
    const [fetchStep, createStep] = template.spec.steps;
    expect(fetchStep.action).toBe('fetch:template');
    const parameters = {
      component_id: 'tutorial',
      environment: 'dev',
      path: '/tutorial',
    };
    const values = renderTemplateValue(fetchStep.input.values, { parameters });
    // what fetch:template writes: the skeleton rendered with `values`
    const skeleton = path.join(
      SOFTWARE_TEMPLATES,
      'proton-tutorial-service',
      fetchStep.input.url,
    );
    workspace.setContent(
      Object.fromEntries(
        fs
          .readdirSync(skeleton)
          .map(file => [
            file,
            renderTemplateValue(
              fs.readFileSync(path.join(skeleton, file), 'utf8'),
              { values },
            ) as string,
          ]),
      ),
    );
    const ctx = context(renderTemplateValue(createStep.input, { parameters }));
    await createAwsProtonServiceAction(options()).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/tutorial',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'arn',
      'arn:aws:proton:us-east-1:000000000000:service/tutorial',
    );
    expect(template.spec.output.links[0].entityRef).toBe(
      "${{ steps['create-proton-service'].output.entityRef }}",
    );
  }, 30_000);

  it('runs "Create a Fargate service on Proton" with the values its form produces', async () => {
    const template = readSoftwareTemplate('proton-fargate-service');
    const parameters = {
      name: 'storefront',
      owner: 'group:default/team-shop',
      description: 'The storefront',
      serviceTemplate: {
        name: 'fargate-service',
        majorVersion: '1',
        minorVersion: '1',
      },
      instances: [
        {
          name: 'storefront-dev',
          environment: 'dev',
          inputs: { path: '/shop', port: 8080 },
        },
        {
          name: 'storefront-prod',
          environment: 'prod',
          inputs: { path: '/shop', port: 8080, desiredCount: 2 },
        },
      ],
    };
    const [create] = template.spec.steps;
    const ctx = context(renderTemplateValue(create.input, { parameters }));
    await createAwsProtonServiceAction(options()).handler(ctx);
    const outputs = Object.fromEntries(ctx.output.mock.calls);
    expect(
      renderTemplateValue(template.spec.output.links[0].entityRef, {
        steps: { create: { output: outputs } },
      }),
    ).toBe('component:default/storefront');
    expect(outputs.instances.map((i: any) => i.deploymentStatus)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    const { service } = await plane.admin.send(
      new GetServiceCommand({ name: 'storefront' }),
    );
    expect(service?.description).toBe('The storefront');
  }, 30_000);

  it('runs "Create a Proton environment"', async () => {
    const template = readSoftwareTemplate('proton-environment');
    const parameters = {
      name: 'qa',
      owner: 'group:default/platform',
      environmentTemplate: {
        name: 'fargate-env',
        majorVersion: '1',
        minorVersion: '0',
      },
      inputs: { natGateways: 'None' },
    };
    const [create] = template.spec.steps;
    const ctx = context(renderTemplateValue(create.input, { parameters }));
    await createAwsProtonEnvironmentAction(options()).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('entityRef', 'resource:default/qa');
    expect(ctx.output).toHaveBeenCalledWith('deploymentStatus', 'SUCCEEDED');
  }, 30_000);

  it('runs "Register existing infrastructure as a Proton environment"', async () => {
    // The customer managed template the repository ships, as the demo registers it.
    await plane.admin.send(
      new CreateEnvironmentTemplateCommand({
        name: 'existing-fargate-env',
        provisioning: 'CUSTOMER_MANAGED',
      }),
    );
    const source = await writeBundle(
      plane.bundlesDirectory,
      'templates',
      'existing-fargate-env.tar.gz',
      {
        'schema/schema.yaml': fs.readFileSync(
          path.join(
            SOFTWARE_TEMPLATES,
            '../proton/existing-fargate-env/v1/schema/schema.yaml',
          ),
          'utf8',
        ),
      },
    );
    await plane.admin.send(
      new CreateEnvironmentTemplateVersionCommand({
        templateName: 'existing-fargate-env',
        source: { s3: source },
      }),
    );
    await plane.server.settled();
    await plane.admin.send(
      new UpdateEnvironmentTemplateVersionCommand({
        templateName: 'existing-fargate-env',
        majorVersion: '1',
        minorVersion: '0',
        status: 'PUBLISHED',
      }),
    );

    const template = readSoftwareTemplate('proton-existing-environment');
    expect(
      template.spec.parameters[0].properties.environmentTemplate['ui:options'],
    ).toEqual({ templateKind: 'environment', customerManaged: true });
    const parameters = {
      name: 'shared',
      owner: 'group:default/platform',
      environmentTemplate: {
        name: 'existing-fargate-env',
        majorVersion: '1',
        minorVersion: '0',
      },
      inputs: {
        vpcId: 'vpc-0123456789abcdef0',
        privateSubnetIds: ['subnet-0123456789abcdef0'],
        clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/shared',
        listenerArn:
          'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/shared/0123456789abcdef/0123456789abcdef',
        loadBalancerDnsName: 'shared-1.us-east-1.elb.amazonaws.com',
        loadBalancerSecurityGroupId: 'sg-0123456789abcdef0',
      },
    };
    const [create] = template.spec.steps;
    const ctx = context(renderTemplateValue(create.input, { parameters }));
    await createAwsProtonEnvironmentAction(options()).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/shared',
    );
    expect(ctx.output).toHaveBeenCalledWith('deploymentStatus', 'SUCCEEDED');
    const { outputs } = await plane.admin.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'shared' }),
    );
    expect(outputs).toContainEqual({
      key: 'privateSubnetIds',
      valueString: '["subnet-0123456789abcdef0"]',
    });
    expect(outputs).toContainEqual({
      key: 'logRetentionDays',
      valueString: '30',
    });
  }, 30_000);
});
