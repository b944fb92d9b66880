import {
  GetServiceInstanceCommand,
  ListEnvironmentsCommand,
  ListServicesCommand,
} from '@aws-sdk/client-proton';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import { createAwsProtonEnvironmentAction } from './createEnvironment';
import { createAwsProtonServiceAction } from './createService';
import { createAwsProtonServiceInstanceAction } from './createServiceInstance';
import { createAwsProtonUpdateServiceInstanceAction } from './updateServiceInstance';

describe('the examples of every action, run against the control plane', () => {
  let plane: TestControlPlane;
  const workspace = createMockDirectory();

  beforeAll(async () => {
    plane = await startTestControlPlane(['dev', 'prod']);
  }, 60_000);
  afterAll(() => plane.stop());

  async function runExamples(action: TemplateAction<any, any, any>) {
    const outputs: Array<Record<string, unknown>> = [];
    expect(action.examples?.length).toBeGreaterThan(0);
    for (const example of action.examples ?? []) {
      const steps = yaml.parse(example.example).steps;
      for (const step of steps) {
        expect(step.action).toBe(action.id);
        const ctx = createMockActionContext({
          input: step.input,
          workspacePath: workspace.path,
          logger: mockServices.logger.mock(),
        });
        await action.handler(ctx);
        outputs.push(
          Object.fromEntries(
            (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
          ),
        );
      }
    }
    return outputs;
  }

  it('runs them in the order a platform team would', async () => {
    const options = {
      clients: plane.clients,
      pollIntervals: { initialMs: 20, maxMs: 100 },
    };
    const [environment] = await runExamples(
      createAwsProtonEnvironmentAction(options),
    );
    expect(environment).toMatchObject({
      name: 'staging',
      entityRef: 'resource:default/staging',
      deploymentStatus: 'SUCCEEDED',
    });

    workspace.setContent({
      'spec.yaml': `proton: ServiceSpec
instances:
  - name: hello-nginx-dev
    environment: dev
    spec:
      path: /hello
`,
    });
    const [tutorial, orders] = await runExamples(
      createAwsProtonServiceAction(options),
    );
    expect(tutorial).toMatchObject({
      arn: 'arn:aws:proton:us-east-1:000000000000:service/hello-nginx',
      entityRef: 'component:default/hello-nginx',
    });
    expect(orders).toMatchObject({
      entityRef: 'component:default/orders',
      serviceUrl: 'http://orders-dev.example',
    });

    const [instance] = await runExamples(
      createAwsProtonServiceInstanceAction(options),
    );
    expect(instance).toMatchObject({
      instanceName: 'orders-staging',
      deploymentStatus: 'SUCCEEDED',
      outputs: { serviceUrl: 'http://orders-staging.example' },
    });

    const [upgraded, scaled] = await runExamples(
      createAwsProtonUpdateServiceInstanceAction(options),
    );
    expect(upgraded).toMatchObject({ templateVersion: '1.1' });
    expect(scaled).toMatchObject({ deploymentStatus: 'SUCCEEDED' });
    const { serviceInstance } = await plane.admin.send(
      new GetServiceInstanceCommand({
        serviceName: 'orders',
        name: 'orders-prod',
      }),
    );
    expect(serviceInstance?.spec).toContain('desiredCount: 4');

    const services = (await plane.admin.send(new ListServicesCommand({})))
      .services;
    expect(services?.map(s => s.name).sort()).toEqual([
      'hello-nginx',
      'orders',
    ]);
    const environments = (
      await plane.admin.send(new ListEnvironmentsCommand({}))
    ).environments;
    expect(environments?.map(e => e.name).sort()).toEqual([
      'dev',
      'prod',
      'staging',
    ]);
  }, 60_000);
});
