import {
  CreateServiceCommand,
  GetServiceInstanceCommand,
  waitUntilServiceInstanceDeployed,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// the test runs the action against the real plugin that stores and runs campaigns (the module
// itself only calls its HTTP API)
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import awsProtonPlugin from '@proton-platform/plugin-aws-proton-backend';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import knexFactory from 'knex';
import yaml from 'yaml';
import { AddressInfo } from 'node:net';
import {
  startTestControlPlane,
  TestControlPlane,
} from '../__testUtils__/controlPlane';
import type {
  AwsProtonUpgradeFleetInput,
  AwsProtonUpgradeFleetOutput,
} from './actionTypes';
import { createAwsProtonUpgradeFleetAction } from './upgradeFleet';

/**
 * `aws:proton:upgrade-fleet` against the real `aws-proton` backend plugin (which stores and runs the
 * campaign, with its permission check) and the control plane, whose deployments a fake deployer
 * ends as a pipeline would.
 */

jest.setTimeout(120_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const TEMPLATE = 'resource:default/service-template-fargate-service';

const spec = (service: string) =>
  [
    'proton: ServiceSpec',
    'instances:',
    ...['dev', 'prod'].flatMap(environment => [
      `  - name: ${service}-${environment}`,
      `    environment: ${environment}`,
      '    spec:',
      `      path: /${service}`,
    ]),
    '',
  ].join('\n');

describe('aws:proton:upgrade-fleet', () => {
  let plane: TestControlPlane;
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const backends: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    plane = await startTestControlPlane(['dev', 'prod']);
    await createServices('cart', 'shop');
  });

  /** Creates services with an instance in dev and one in prod on 1.0, and waits until deployed. */
  async function createServices(...names: string[]) {
    for (const name of names) {
      await plane.admin.send(
        new CreateServiceCommand({
          name,
          templateName: 'fargate-service',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: spec(name),
        }),
      );
      for (const environment of ['dev', 'prod']) {
        await waitUntilServiceInstanceDeployed(
          { client: plane.admin, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
          { serviceName: name, name: `${name}-${environment}` },
        );
      }
    }
  }

  afterAll(async () => {
    for (const started of backends) await started.stop();
    await plane?.stop();
    await knex.destroy();
  });

  /**
   * The action, with the real plugin behind it; the calls numbered in `unreachable` (1 is the
   * first) find no backend, as while it restarts.
   */
  async function actionOn(
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
    unreachable: number[] = [],
  ) {
    const started = await startTestBackend({
      features: [
        awsProtonPlugin,
        mockServices.database.factory({ knex }),
        // the real scheduler: it runs the campaign task every 5 seconds, as in a deployment
        schedulerServiceFactory,
        mockServices.permissions.factory({ result }),
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'service-template-fargate-service',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service-template': `${PREFIX}:service-template/fargate-service`,
                },
              },
              spec: { type: 'aws-proton-service-template', owner: 'platform' },
            },
            ...['cart', 'shop', 'books', 'pens', 'ink'].map(name => ({
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name,
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service': `${PREFIX}:service/${name}`,
                },
              },
              spec: { type: 'service', owner: 'team', lifecycle: 'test' },
            })),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              accounts: [
                {
                  accountId: '000000000000',
                  accessKeyId: 'AKIDSCAFFOLDERTEST',
                  secretAccessKey: 'scaffolder-test-secret',
                },
              ],
            },
            awsProton: {
              regions: ['us-east-1'],
              accountIds: ['000000000000'],
              endpoint: plane.server.endpoint,
            },
          },
        }),
      ],
    });
    backends.push(started);
    const port = (started.server.address() as AddressInfo).port;
    let calls = 0;
    return createAwsProtonUpgradeFleetAction({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId => {
          calls += 1;
          // port 1: nothing listens there
          return `http://127.0.0.1:${
            unreachable.includes(calls) ? 1 : port
          }/api/${pluginId}`;
        },
      }),
      auth: mockServices.auth(),
      pollIntervals: { initialMs: 200, maxMs: 500 },
    });
  }

  const context = (input: AwsProtonUpgradeFleetInput, isDryRun = false) => {
    const logger = mockServices.logger.mock();
    // createMockActionContext keeps neither isDryRun nor getInitiatorCredentials
    const ctx = {
      ...createMockActionContext<
        AwsProtonUpgradeFleetInput,
        AwsProtonUpgradeFleetOutput
      >({ input, logger }),
      isDryRun,
      getInitiatorCredentials: async () => mockCredentials.user(),
    };
    const outputs = () =>
      Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
      );
    const logged = () =>
      logger.info.mock.calls.map(([message]) => String(message));
    const warned = () =>
      logger.warn.mock.calls.map(([message]) => String(message));
    return { ctx, outputs, logged, warned };
  };

  const versionOf = async (service: string, instance: string) => {
    const { serviceInstance } = await plane.admin.send(
      new GetServiceInstanceCommand({ serviceName: service, name: instance }),
    );
    return `${serviceInstance!.templateMajorVersion}.${
      serviceInstance!.templateMinorVersion
    }`;
  };

  it('refuses an initiator without aws-proton.template.upgrade-fleet, saying so', async () => {
    const action = await actionOn(AuthorizeResult.DENY);
    const { ctx } = context({ template: TEMPLATE, dryRun: true });
    await expect(action.handler(ctx)).rejects.toThrow(
      'You may not run upgrade campaigns of resource:default/service-template-fargate-service (aws-proton.template.upgrade-fleet)',
    );
  });

  it('plans in a dry run (the scaffolder’s or its own) without deploying anything', async () => {
    const action = await actionOn(AuthorizeResult.ALLOW);
    const { ctx, outputs, logged } = context({ template: TEMPLATE }, true);
    await action.handler(ctx);
    expect(outputs()).toMatchObject({
      campaignId: '',
      targetVersion: '1.1',
      waves: [['dev'], ['prod']],
    });
    expect(outputs().targets).toHaveLength(4);
    expect(logged()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Planned an upgrade campaign of resource:default\/service-template-fargate-service to 1\.1: 4 upgrades in 2 waves, at most 5 at once$/,
        ),
        'Wave 1 (dev): cart/cart-dev 1.0 → 1.1, shop/shop-dev 1.0 → 1.1',
        'Wave 2 (prod): cart/cart-prod 1.0 → 1.1, shop/shop-prod 1.0 → 1.1',
      ]),
    );
    expect(await versionOf('shop', 'shop-dev')).toBe('1.0');
  });

  it('refuses a malformed template reference and version, naming them', async () => {
    const action = await actionOn(AuthorizeResult.ALLOW);
    await expect(
      action.handler(context({ template: 'resource:' }).ctx),
    ).rejects.toThrow(
      'template must be a catalog entity reference such as resource:default/service-template-fargate-service: Entity reference "resource:" was not on the form [<kind>:][<namespace>/]<name>',
    );
    await expect(
      action.handler(
        context({ template: TEMPLATE, targetVersion: '9.9', dryRun: true }).ctx,
      ),
    ).rejects.toThrow(/9\.9/);
  });

  it('upgrades dev before prod and, following the campaign, fails the step where it stopped', async () => {
    plane.deployer.outcomes.set('shop-prod', {
      status: 'FAILED',
      statusMessage: 'the tasks did not become healthy',
    });
    const action = await actionOn(AuthorizeResult.ALLOW);
    const { ctx, outputs, logged } = context({
      template: TEMPLATE,
      waves: [['dev'], ['prod']],
      maxConcurrent: 1,
      wait: true,
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'The upgrade campaign of resource:default/service-template-fargate-service stopped: Stopped at shop/shop-prod: the tasks did not become healthy',
    );
    expect(outputs()).toMatchObject({
      status: 'STOPPED',
      targetVersion: '1.1',
    });
    expect(outputs().campaignId).toMatch(/^[0-9a-f-]{36}$/);
    const upgraded = logged().filter(line => / SUCCEEDED$/.test(line));
    // every dev instance before any prod one
    expect(upgraded.slice(0, 2).sort()).toEqual([
      'cart/cart-dev: SUCCEEDED',
      'shop/shop-dev: SUCCEEDED',
    ]);
    expect(logged()).toContain(
      'shop/shop-prod: FAILED (the tasks did not become healthy)',
    );
    expect(await versionOf('cart', 'cart-dev')).toBe('1.1');
    expect(await versionOf('shop', 'shop-dev')).toBe('1.1');
  });

  it('runs its examples: a plan, then an upgrade of what is left, followed to its end', async () => {
    plane.deployer.outcomes.clear();
    await createServices('books');
    const action = await actionOn(AuthorizeResult.ALLOW);
    const results = [];
    for (const example of action.examples ?? []) {
      const [step] = yaml.parse(example.example).steps;
      expect(step.action).toBe('aws:proton:upgrade-fleet');
      const { ctx, outputs } = context(step.input);
      await action.handler(ctx);
      results.push(outputs());
    }
    expect(results.map(r => r.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(results[0].campaignId).toBe('');
    expect(results[0].targets.map((t: { name: string }) => t.name)).toEqual([
      'books-dev',
      'books-prod',
    ]);
    expect(results[1].statusMessage).toBe(
      'Upgraded 2 service instances to 1.1',
    );
    expect(await versionOf('books', 'books-prod')).toBe('1.1');
  });

  it('follows its campaign through a backend that cannot be reached for a while, and on resuming', async () => {
    await createServices('pens');
    const pens = ['dev', 'prod'].map(
      environment =>
        `${PREFIX}:service/pens/service-instance/pens-${environment}`,
    );
    // the first run starts the campaign (the scaffolder keeps the checkpoint's value), then stops
    const checkpoints = new Map<string, unknown>();
    const first = context({ template: TEMPLATE, targetArns: pens });
    first.ctx.checkpoint = (async ({ key, fn }: any) => {
      checkpoints.set(key, await fn());
      return checkpoints.get(key);
    }) as any;
    await (await actionOn(AuthorizeResult.ALLOW)).handler(first.ctx);
    const campaignId = first.outputs().campaignId;
    expect(checkpoints).toEqual(
      new Map([
        [
          `aws-proton.upgrade-fleet.${TEMPLATE}`,
          { campaignId, startedAt: expect.any(Number) },
        ],
      ]),
    );

    // the task resumes after a restart: the same campaign, followed; the second and third reads
    // find no backend
    const resumed = context({
      template: TEMPLATE,
      targetArns: pens,
      wait: true,
    });
    const starts = jest.fn();
    resumed.ctx.checkpoint = (async ({ key, fn }: any) =>
      checkpoints.has(key) ? checkpoints.get(key) : starts(await fn())) as any;
    await (await actionOn(AuthorizeResult.ALLOW, [2, 3])).handler(resumed.ctx);
    expect(starts).not.toHaveBeenCalled();
    expect(resumed.logged()).toContain(
      `Resuming: following the upgrade campaign ${campaignId} this task started`,
    );
    expect(resumed.warned()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Could not read the campaign ${campaignId}, trying again: The aws-proton backend plugin could not be reached: `,
        ),
      ),
      expect.stringMatching(/^Could not read the campaign /),
    ]);
    expect(resumed.outputs()).toMatchObject({
      campaignId,
      status: 'SUCCEEDED',
      statusMessage: 'Upgraded 2 service instances to 1.1',
    });
    expect(await versionOf('pens', 'pens-prod')).toBe('1.1');
  });

  it('stops following a minute before the initiator’s sign-in expires, saying so', async () => {
    await createServices('ink');
    const action = await actionOn(AuthorizeResult.ALLOW);
    const { ctx } = context({ template: TEMPLATE, wait: true });
    const expiresAt = new Date(Date.now() + 30_000);
    ctx.getInitiatorCredentials = async () => ({
      ...mockCredentials.user(),
      expiresAt,
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      `is still RUNNING when the initiator's sign-in was about to expire (at ${expiresAt.toISOString()}); it carries on in the backend`,
    );
  });
});
