import {
  CreateComponentCommand,
  CreateRepositoryCommand,
  CreateServiceSyncConfigCommand,
  GetComponentCommand,
  GetEnvironmentCommand,
  GetServiceInstanceCommand,
  UpdateEnvironmentCommand,
  UpdateServiceInstanceCommand,
  UpdateServiceTemplateVersionCommand,
  waitUntilComponentDeployed,
  waitUntilEnvironmentDeployed,
  waitUntilServiceInstanceDeployed,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createLocalRunner,
  seedProtonResources,
} from '@proton-platform/proton-server';
import {
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { awsProtonPlugin } from '../plugin';
import { git } from '../__testUtils__/git';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';
import { seedWebTemplate, serviceSpec } from '../__testUtils__/fleetFixtures';

/**
 * Deployment logs through the backend: the control plane runs the no-op bundles with its local
 * runner (their steps echo), and the backend reads each log from the control plane's signed log
 * route for the entity that owns the deployment, and for no other.
 */

jest.setTimeout(90_000);

const database = testDatabaseFactory();
const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const ENTITIES = '/api/aws-proton/v1/entities';
const CONNECTION =
  'arn:aws:codestar-connections:us-east-1:000000000000:connection/ops';

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string>,
) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team', lifecycle: 'test' },
});

describe('deployment logs', () => {
  let controlPlane: ScratchControlPlane;
  let instanceDeployment: string;
  let environmentDeployment: string;
  /** Bare Git repositories, as the connection's provider would hold them (service sync). */
  let repositories: string;

  beforeAll(async () => {
    repositories = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'repos-'));
    controlPlane = await startScratchControlPlane({
      deploymentRunner: createLocalRunner(),
      git: {
        connections: [
          { arn: CONNECTION, provider: 'GITHUB', baseUrl: repositories },
        ],
        pollIntervalSeconds: 0,
      },
    });
    const { client } = controlPlane;
    const waiter = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
    await seedWebTemplate(controlPlane, ['dev'], undefined, { runner: true });
    await seedProtonResources(client, {
      services: ['shop', 'other'].map(name => ({
        name,
        templateName: 'web',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        spec: serviceSpec('dev'),
      })),
    });
    for (const serviceName of ['shop', 'other']) {
      await waitUntilServiceInstanceDeployed(waiter, {
        serviceName,
        name: 'dev',
      });
    }
    const { serviceInstance } = await client.send(
      new GetServiceInstanceCommand({ serviceName: 'shop', name: 'dev' }),
    );
    instanceDeployment = serviceInstance!.lastAttemptedDeploymentId!;
    const { environment } = await client.send(
      new GetEnvironmentCommand({ name: 'dev' }),
    );
    environmentDeployment = environment!.lastAttemptedDeploymentId!;
  });

  afterAll(async () => {
    await controlPlane?.stop();
    await fs.promises.rm(repositories, { recursive: true, force: true });
  });

  async function backend(endpoint: string | undefined) {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        catalogServiceMock.factory({
          entities: [
            entity('Component', 'shop', {
              'aws.amazon.com/aws-proton-service': `${PREFIX}:service/shop`,
            }),
            entity('Component', 'other', {
              'aws.amazon.com/aws-proton-service': `${PREFIX}:service/other`,
            }),
            entity('Component', 'synced', {
              'aws.amazon.com/aws-proton-service': `${PREFIX}:service/synced`,
            }),
            entity('Resource', 'dev', {
              'aws.amazon.com/aws-proton-environment': `${PREFIX}:environment/dev`,
            }),
            entity('Component', 'plain', {}),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
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
          },
        }),
      ],
    });
    const get = (route: string) =>
      request(server)
        .get(`${ENTITIES}/${route}`)
        .set('authorization', mockCredentials.user.header());
    const post = (route: string, body: object) =>
      request(server)
        .post(`${ENTITIES}/${route}`)
        .set('authorization', mockCredentials.user.header())
        .send(body);
    const recordTriggers = (authorization: string, body: object) =>
      request(server)
        .post('/api/aws-proton/v1/deployments/triggers')
        .set('authorization', authorization)
        .send(body);
    return { get, post, recordTriggers };
  }

  it("serves a service instance's and an environment's deployment log to readers of their entities", async () => {
    const { get } = await backend(controlPlane.server.endpoint);

    const instanceLog = await get(
      `component/default/shop/deployments/${instanceDeployment}/log`,
    );
    expect(instanceLog.status).toBe(200);
    expect(instanceLog.body).toMatchObject({
      deploymentId: instanceDeployment,
      status: 'SUCCEEDED',
      inProgress: false,
      truncated: false,
    });
    expect(instanceLog.body.text).toContain('echo provision');

    // the environment's history holds its own deployments, not its service instances'
    const history = await get('resource/default/dev/environment/deployments');
    expect(history.status).toBe(200);
    expect(history.body.map((d: { id: string }) => d.id)).toEqual([
      environmentDeployment,
    ]);

    const environmentLog = await get(
      `resource/default/dev/deployments/${environmentDeployment}/log`,
    );
    expect(environmentLog.status).toBe(200);
    expect(environmentLog.body.text).toContain('echo provision');
  });

  it('tells deployments apart: the version each deploys, what it changed and who started it', async () => {
    const { get, post } = await backend(controlPlane.server.endpoint);
    const { client } = controlPlane;
    const waiter = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
    // a redeploy from the entity page, by the signed-in user
    const redeploy = await post(
      'component/default/other/service/instances/dev/deployments',
      {
        deploymentType: 'CURRENT_VERSION',
      },
    );
    expect(redeploy.status).toBe(202);
    await waitUntilServiceInstanceDeployed(waiter, {
      serviceName: 'other',
      name: 'dev',
    });
    // a minor upgrade from outside Backstage (the AWS CLI, say)
    await client.send(
      new UpdateServiceInstanceCommand({
        serviceName: 'other',
        name: 'dev',
        deploymentType: 'MINOR_VERSION',
        templateMajorVersion: '1',
        templateMinorVersion: '1',
      }),
    );
    await waitUntilServiceInstanceDeployed(waiter, {
      serviceName: 'other',
      name: 'dev',
    });

    const history = await get(
      'component/default/other/service/instances/dev/deployments',
    );
    expect(history.status).toBe(200);
    expect(
      history.body.map(
        (d: {
          templateVersion?: string;
          change?: string;
          trigger?: { kind: string; name: string };
          status: string;
        }) => [d.templateVersion, d.change, d.trigger, d.status],
      ),
    ).toEqual([
      ['1.1', 'MINOR_VERSION', undefined, 'SUCCEEDED'],
      [
        '1.0',
        'REDEPLOY',
        { kind: 'user', name: 'user:default/mock' },
        'SUCCEEDED',
      ],
      ['1.0', 'CREATE', undefined, 'SUCCEEDED'],
    ]);
  });

  it("names the user the scaffolder started deployments for, on the scaffolder's word only", async () => {
    const { get, recordTriggers } = await backend(controlPlane.server.endpoint);
    const onBehalf = (user: string, plugin = 'plugin:scaffolder') =>
      `Bearer ${mockCredentials.user.token(user, {
        actor: { subject: plugin },
      })}`;
    const refused =
      'Only the scaffolder, on behalf of a user, records who started deployments';
    // a user's own token (from the browser) has no actor: nobody claims deployments by hand; nor
    // does another plugin for its users
    for (const authorization of [
      mockCredentials.user.header('user:default/jane'),
      onBehalf('user:default/jane', 'plugin:catalog'),
    ]) {
      const denied = await recordTriggers(authorization, {
        deploymentIds: [instanceDeployment],
      });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe(refused);
    }
    for (const deploymentIds of [
      [],
      ['a_b'],
      'x',
      Array(101).fill(instanceDeployment),
    ]) {
      const bad = await recordTriggers(onBehalf('user:default/jane'), {
        deploymentIds,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'deploymentIds must be a list of 1 to 100 deployment IDs (UUIDs, as Proton gives them)',
      );
    }
    // only deployments Proton has, in an allowed account and Region
    const unknown = await recordTriggers(onBehalf('user:default/jane'), {
      deploymentIds: ['00000000-0000-0000-0000-000000000000'],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(
      /^AWS Proton has no deployment 00000000-0000-0000-0000-000000000000 in account 000000000000, region us-east-1/,
    );
    const elsewhere = await recordTriggers(onBehalf('user:default/jane'), {
      deploymentIds: [instanceDeployment],
      region: 'eu-west-1',
    });
    expect(elsewhere.status).toBe(403);
    // only those of the last hour: two hours on, the deployment is too old to claim
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + 2 * 3600_000);
    const old = await recordTriggers(onBehalf('user:default/jane'), {
      deploymentIds: [instanceDeployment],
    });
    later.mockRestore();
    expect(old.status).toBe(400);
    expect(old.body.error.message).toMatch(
      new RegExp(
        `^Deployment ${instanceDeployment} started at .+Z, more than an hour ago: only the deployments of the last hour are recorded$`,
      ),
    );

    // the scaffolder, for jane, who created the service; then for someone else, too late
    for (const user of ['user:default/jane', 'user:default/mallory']) {
      const recorded = await recordTriggers(onBehalf(user), {
        deploymentIds: [instanceDeployment],
        accountId: '000000000000',
        region: 'us-east-1',
      });
      expect(recorded.status).toBe(204);
    }
    const history = await get(
      'component/default/shop/service/instances/dev/deployments',
    );
    expect(history.status).toBe(200);
    expect(
      history.body.find((d: { id: string }) => d.id === instanceDeployment),
    ).toMatchObject({
      change: 'CREATE',
      trigger: { kind: 'user', name: 'user:default/jane' },
    });
  });

  it('names service sync as the trigger of the deployments it started, with the commit it deployed', async () => {
    const { client } = controlPlane;
    const waiter = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
    await seedProtonResources(client, {
      services: [
        {
          name: 'synced',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: serviceSpec('dev'),
        },
      ],
    });
    await waitUntilServiceInstanceDeployed(waiter, {
      serviceName: 'synced',
      name: 'dev',
    });
    // the service's instances follow a proton-ops file; its spec changes the port
    const bare = path.join(repositories, 'team/ops.git');
    fs.mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--bare', '-q', '--initial-branch=main');
    const work = path.join(repositories, 'work');
    git(repositories, 'init', '-q', '--initial-branch=main', work);
    fs.mkdirSync(path.join(work, 'synced'));
    fs.writeFileSync(
      path.join(work, 'proton-ops.yaml'),
      'sync:\n  services:\n    synced:\n      dev:\n        branch: main\n        spec: ./synced/spec.yaml\n',
    );
    fs.writeFileSync(
      path.join(work, 'synced/spec.yaml'),
      'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: 8081\n',
    );
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'Deploy synced on 8081');
    git(work, 'push', '-q', bare, 'main');
    const sha = git(work, 'rev-parse', 'HEAD');
    await client.send(
      new CreateRepositoryCommand({
        provider: 'GITHUB',
        name: 'team/ops',
        connectionArn: CONNECTION,
      }),
    );
    await client.send(
      new CreateServiceSyncConfigCommand({
        serviceName: 'synced',
        repositoryProvider: 'GITHUB',
        repositoryName: 'team/ops',
        branch: 'main',
        filePath: 'proton-ops.yaml',
      }),
    );
    await controlPlane.server.settled();
    await waitUntilServiceInstanceDeployed(waiter, {
      serviceName: 'synced',
      name: 'dev',
    });

    const { get } = await backend(controlPlane.server.endpoint);
    const history = await get(
      'component/default/synced/service/instances/dev/deployments',
    );
    expect(history.status).toBe(200);
    expect(
      history.body.map(
        (d: { change?: string; trigger?: object; status: string }) => [
          d.change,
          d.trigger,
          d.status,
        ],
      ),
    ).toEqual([
      [
        'UPDATE',
        { kind: 'sync', name: `team/ops@main ${sha.slice(0, 7)}` },
        'SUCCEEDED',
      ],
      ['CREATE', undefined, 'SUCCEEDED'],
    ]);
  });

  it("serves the log of a component attached to one of the service's instances", async () => {
    const { client } = controlPlane;
    const waiter = { client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
    // dev allows directly defined components, and web 1.0 supports them
    await client.send(
      new UpdateEnvironmentCommand({
        name: 'dev',
        deploymentType: 'NONE',
        componentRoleArn: 'arn:aws:iam::000000000000:role/proton-components',
      }),
    );
    await waitUntilEnvironmentDeployed(waiter, { name: 'dev' });
    await client.send(
      new UpdateServiceTemplateVersionCommand({
        templateName: 'web',
        majorVersion: '1',
        minorVersion: '0',
        supportedComponentSources: ['DIRECTLY_DEFINED'],
      }),
    );
    await client.send(
      new CreateComponentCommand({
        name: 'cache',
        serviceName: 'shop',
        serviceInstanceName: 'dev',
        manifest: [
          'infrastructure:',
          '  templates:',
          '    - file: cache.sh',
          '      rendering_engine: codebuild',
          '      settings:',
          '        provision: ["echo component provision"]',
          '        deprovision: ["echo component deprovision"]',
          '',
        ].join('\n'),
        templateFile: 'echo cache\n',
      }),
    );
    await waitUntilComponentDeployed(waiter, { name: 'cache' });
    const { component } = await client.send(
      new GetComponentCommand({ name: 'cache' }),
    );
    const { get } = await backend(controlPlane.server.endpoint);

    const log = await get(
      `component/default/shop/deployments/${
        component!.lastAttemptedDeploymentId
      }/log`,
    );
    expect(log.status).toBe(200);
    expect(log.body.text).toContain('echo component provision');
    // another service's page does not serve it
    const foreign = await get(
      `component/default/other/deployments/${
        component!.lastAttemptedDeploymentId
      }/log`,
    );
    expect(foreign.status).toBe(404);
  });

  it("refuses another entity's deployment, unannotated entities and malformed IDs, saying why", async () => {
    const { get } = await backend(controlPlane.server.endpoint);

    const foreign = await get(
      `component/default/other/deployments/${instanceDeployment}/log`,
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toBe(
      `The deployment ${instanceDeployment} is not a deployment of the service "other"`,
    );
    const environmentsOwn = await get(
      `resource/default/dev/deployments/${instanceDeployment}/log`,
    );
    expect(environmentsOwn.status).toBe(404);

    const plain = await get(
      `component/default/plain/deployments/${instanceDeployment}/log`,
    );
    expect(plain.status).toBe(404);
    expect(plain.body.error.message).toBe(
      'Entity component:default/plain has no aws.amazon.com/aws-proton-service or aws.amazon.com/aws-proton-environment annotation',
    );

    const unknown = await get(
      'component/default/shop/deployments/00000000-0000-0000-0000-000000000000/log',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(
      /^AWS Proton has no deployment 00000000-0000-0000-0000-000000000000 of the service "shop" in account 000000000000, region us-east-1/,
    );

    const malformed = await get('component/default/shop/deployments/a_b/log');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toBe(
      'The deployment ID must be 1 to 64 letters, digits or hyphens',
    );
  });
});
