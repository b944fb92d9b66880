import {
  ListServiceInstancesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-proton';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { countProtonCalls } from '@proton-platform/proton-server/testUtils';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import { createAwsProtonServiceAction } from './createService';

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const FAST = { initialMs: 20, maxMs: 100 };

describe('aws:proton:create-service against the control plane', () => {
  let plane: TestControlPlane;
  const workspace = createMockDirectory();
  const events = { publish: jest.fn(async () => {}), subscribe: jest.fn() };

  beforeAll(async () => {
    plane = await startTestControlPlane();
  }, 60_000);
  afterAll(() => plane.stop());
  beforeEach(() => {
    events.publish.mockClear();
    plane.deployer.paused = false;
    plane.deployer.outcomes.clear();
  });

  const action = (pollIntervals = FAST) =>
    createAwsProtonServiceAction({
      clients: plane.clients,
      events,
      pollIntervals,
    });
  const input = (serviceName: string, extra: Record<string, unknown> = {}) => ({
    serviceName,
    templateName: 'fargate-service',
    templateMajorVersion: '1',
    instances: ['dev', 'prod', 'staging'].map(env => ({
      name: `${serviceName}-${env}`,
      environment: env,
      inputs: { path: `/${serviceName}`, port: 8080 },
    })),
    ...extra,
  });
  const context = (values: Record<string, unknown>): any =>
    createMockActionContext({
      input: values as any,
      workspacePath: workspace.path,
      logger: mockServices.logger.mock(),
    });
  const services = async () =>
    (await plane.admin.send(new ListServicesCommand({}))).services ?? [];
  const instancesOf = async (serviceName: string) =>
    (await plane.admin.send(new ListServiceInstancesCommand({ serviceName })))
      .serviceInstances ?? [];

  it('creates a service with 3 instances, waits, and outputs each result (measured)', async () => {
    plane.deployer.outcomes.set('checkout-dev', {
      status: 'SUCCEEDED',
      outputs: { serviceUrl: 'http://checkout-dev.example' },
      delayMs: 300,
    });
    plane.deployer.outcomes.set('checkout-prod', {
      status: 'SUCCEEDED',
      outputs: { serviceUrl: 'http://checkout-prod.example', taskCount: '2' },
      delayMs: 1200,
    });
    plane.deployer.outcomes.set('checkout-staging', {
      status: 'SUCCEEDED',
      delayMs: 2500,
    });
    const calls = countProtonCalls(await plane.clients.getClient());
    calls.clear();
    const ctx = context(
      input('checkout', { description: 'Checkout', tags: { team: 'shop' } }),
    );
    await action({ initialMs: 1000, maxMs: 10_000 }).handler(ctx);
    const finished = Date.now();
    const lastSucceeded = Math.max(...plane.deployer.completedAt.values());
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    // The figures of the issue: API calls of one create-service with 3 instances, and the delay
    // between the last instance reaching SUCCEEDED and the action finishing (default intervals).
    // eslint-disable-next-line no-console
    console.info(
      `create-service, 3 instances: ${total} Proton API calls ${JSON.stringify(
        Object.fromEntries(calls),
      )}; finished ${
        finished - lastSucceeded
      } ms after the last instance succeeded`,
    );
    expect(calls.get('CreateService')).toBe(1);
    expect(calls.get('GetServiceInstance')).toBeUndefined();
    expect(calls.get('ListServiceInstanceOutputs')).toBe(3);
    expect(ctx.output).toHaveBeenCalledWith(
      'arn',
      `${PREFIX}:service/checkout`,
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/checkout',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'serviceUrl',
      'http://checkout-dev.example',
    );
    expect(ctx.output).toHaveBeenCalledWith('instances', [
      {
        name: 'checkout-dev',
        environment: 'dev',
        arn: `${PREFIX}:service/checkout/service-instance/checkout-dev`,
        deploymentStatus: 'SUCCEEDED',
        outputs: { serviceUrl: 'http://checkout-dev.example' },
      },
      {
        name: 'checkout-prod',
        environment: 'prod',
        arn: `${PREFIX}:service/checkout/service-instance/checkout-prod`,
        deploymentStatus: 'SUCCEEDED',
        outputs: { serviceUrl: 'http://checkout-prod.example', taskCount: '2' },
      },
      {
        name: 'checkout-staging',
        environment: 'staging',
        arn: `${PREFIX}:service/checkout/service-instance/checkout-staging`,
        deploymentStatus: 'SUCCEEDED',
        outputs: {},
      },
    ]);
    expect(events.publish).toHaveBeenCalledWith({
      topic: 'aws-proton',
      eventPayload: { action: 'created', arn: `${PREFIX}:service/checkout` },
    });
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'Instance checkout-prod (environment prod): Succeeded',
    );
  }, 60_000);

  it('creates nothing in a dry run and says what it would create', async () => {
    const ctx = { ...context(input('dry')), isDryRun: true };
    await action().handler(ctx);
    expect((await services()).map(s => s.name)).not.toContain('dry');
    expect(ctx.output).toHaveBeenCalledWith('arn', `${PREFIX}:service/dry`);
    expect(ctx.output).toHaveBeenCalledWith(
      'instances',
      expect.arrayContaining([
        expect.objectContaining({
          name: 'dry-prod',
          deploymentStatus: 'NOT_CREATED',
        }),
      ]),
    );
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('creates nothing when the inputs break the schema, listing every bad field', async () => {
    const bad = input('invalid');
    (bad.instances as any)[0].inputs = { port: 70000, cpu: 300 };
    (bad.instances as any)[2].inputs = { path: 'no-slash', extra: true };
    const error = await action()
      .handler(context(bad))
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      [
        '4 problems in the spec of the service invalid (against fargate-service 1.1):',
        '  - instances[0].spec.path: is required',
        '  - instances[0].spec.port: must be <= 65535',
        '  - instances[0].spec.cpu: must be one of 256, 512, 1024',
        '  - instances[2].spec.path: is not in the expected form (pattern ^(/|(/[A-Za-z0-9._~-]+)+)$)',
      ].join('\n'),
    );
    expect((await services()).map(s => s.name)).not.toContain('invalid');
  });

  it('carries on after a failure in the middle without creating anything twice', async () => {
    plane.deployer.paused = true;
    const first = new AbortController();
    const ctx1 = { ...context(input('retried')), signal: first.signal };
    const run1 = action().handler(ctx1);
    setTimeout(() => first.abort(), 300);
    await expect(run1).rejects.toThrow(
      'The task was cancelled while waiting for the instances of the service retried',
    );
    plane.deployer.paused = false;
    const calls = countProtonCalls(await plane.clients.getClient());
    calls.clear();
    const ctx2 = context(input('retried'));
    await action().handler(ctx2);
    expect(calls.get('CreateService')).toBeUndefined();
    expect(ctx2.logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /^The AWS Proton service retried already exists with the same template and spec/,
      ),
    );
    expect((await services()).filter(s => s.name === 'retried')).toHaveLength(
      1,
    );
    expect(await instancesOf('retried')).toHaveLength(3);

    // The scaffolder's own retry keeps the checkpoint: not even the existence check is repeated
    const state = new Map<string, unknown>();
    const checkpoint = async (opts: {
      key: string;
      fn: () => Promise<any>;
    }) => {
      if (!state.has(opts.key)) state.set(opts.key, await opts.fn());
      return state.get(opts.key);
    };
    await action().handler({ ...context(input('retried')), checkpoint } as any);
    calls.clear();
    await action().handler({ ...context(input('retried')), checkpoint } as any);
    expect(calls.get('GetService')).toBeUndefined();
    expect(calls.get('CreateService')).toBeUndefined();
  }, 30_000);

  it('refuses a service of the same name with another spec', async () => {
    const changed = input('retried');
    (changed.instances as any)[0].inputs.port = 9090;
    await expect(action().handler(context(changed))).rejects.toThrow(
      'An AWS Proton service named retried already exists in account 000000000000, region us-east-1 with the template fargate-service but another spec',
    );
  });

  it('stops waiting when the task is cancelled, leaving the service to Proton', async () => {
    plane.deployer.paused = true;
    const controller = new AbortController();
    const ctx = { ...context(input('cancelled')), signal: controller.signal };
    const started = Date.now();
    const run = action({ initialMs: 3000, maxMs: 10_000 }).handler(ctx);
    setTimeout(() => controller.abort(), 1500);
    await expect(run).rejects.toThrow(
      'The task was cancelled while waiting for the instances of the service cancelled; Proton carries on deploying',
    );
    // stops at the abort (1.5 s), not at the next poll (3 s)
    expect(Date.now() - started).toBeLessThan(2800);
    expect(await instancesOf('cancelled')).toHaveLength(3);
  }, 30_000);

  it('fails with the status message of a failed instance, unless allowPartial', async () => {
    plane.deployer.outcomes.set('broken-prod', {
      status: 'FAILED',
      statusMessage: 'pulumi up: image not found',
    });
    await expect(action().handler(context(input('broken')))).rejects.toThrow(
      '1 of 3 instances of the service broken did not deploy:\n  - broken-prod: Failed - pulumi up: image not found',
    );
    plane.deployer.outcomes.set('partial-prod', {
      status: 'FAILED',
      statusMessage: 'pulumi up: image not found',
    });
    const ctx = context(input('partial', { allowPartial: true }));
    await action().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'instances',
      expect.arrayContaining([
        expect.objectContaining({
          name: 'partial-prod',
          deploymentStatus: 'FAILED',
          statusMessage: 'pulumi up: image not found',
        }),
      ]),
    );
  }, 30_000);

  it('tells the aws-proton plugin that the initiator started the deployments, and carries on when it cannot', async () => {
    // where the aws-proton backend plugin would be: what the action sends it
    const received: Array<{
      url?: string;
      authorization?: string;
      ids: string[];
      target: { accountId: string; region: string };
    }> = [];
    const plugin = http.createServer((req, res) => {
      let text = '';
      req.on('data', chunk => {
        text += chunk;
      });
      req.on('end', () => {
        received.push({
          url: req.url,
          authorization: req.headers.authorization,
          ids: JSON.parse(text).deploymentIds,
          target: {
            accountId: JSON.parse(text).accountId,
            region: JSON.parse(text).region,
          },
        });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>(resolve => plugin.listen(0, '127.0.0.1', resolve));
    const { port } = plugin.address() as AddressInfo;
    const recording = (baseUrl: string) =>
      createAwsProtonServiceAction({
        clients: plane.clients,
        events,
        pollIntervals: FAST,
        discovery: mockServices.discovery.mock({
          getBaseUrl: async () => baseUrl,
        }),
        auth: mockServices.auth(),
      });
    try {
      await recording(`http://127.0.0.1:${port}/api/aws-proton`).handler(
        context(input('recorded')),
      );
    } finally {
      plugin.close();
    }
    const deployments = (await instancesOf('recorded'))
      .map(i => i.lastAttemptedDeploymentId)
      .sort();
    expect(deployments).toHaveLength(3);
    // each deployment once, with a token on behalf of the initiator
    expect(received.flatMap(r => r.ids).sort()).toEqual(deployments);
    for (const request of received) {
      expect(request.url).toBe('/api/aws-proton/v1/deployments/triggers');
      expect(request.target).toEqual({
        accountId: '000000000000',
        region: 'us-east-1',
      });
      expect(request.authorization).toBe(
        `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.user(),
          targetPluginId: 'aws-proton',
        })}`,
      );
    }

    // a plugin that cannot be reached (its port closed now): one warning, and the service is
    // created all the same
    const ctx = context(input('unrecorded'));
    await recording(`http://127.0.0.1:${port}/api/aws-proton`).handler(ctx);
    expect(ctx.logger.warn).toHaveBeenCalledTimes(1);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^The deployment history will not name who started these deployments: the aws-proton backend plugin did not record it \(it could not be reached\)$/,
      ),
    );
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'The AWS Proton service unrecorded is deployed: unrecorded-dev SUCCEEDED, unrecorded-prod SUCCEEDED, unrecorded-staging SUCCEEDED',
    );
  }, 30_000);
});
