import {
  GetServiceCommand,
  ListServiceInstancesCommand,
  waitUntilServiceInstanceDeployed,
} from '@aws-sdk/client-proton';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EventParams, eventsServiceRef } from '@backstage/plugin-events-node';
import {
  DeploymentReporter,
  DeploymentRunner,
  seedProtonResources,
  writeTemplateBundle,
} from '@proton-platform/proton-server';
import {
  noopTemplateBundleFiles,
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import request from 'supertest';
import {
  catalogEntity,
  seedWebTemplate,
  serviceSpec,
  settleDeployments,
  startAwsProtonBackend,
} from '../__testUtils__/fleetFixtures';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';

/**
 * Adding an instance in another environment, removing one, and deleting the whole service from the
 * service's entity page, on a real control plane (with no runner: deployments are ended by the test
 * as a runner would, removals happen at once).
 */

jest.setTimeout(60_000);

const database = testDatabaseFactory();

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const SERVICE = '/api/aws-proton/v1/entities/component/default/shop/service';

const SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "Inputs"
  types:
    Inputs:
      type: object
      required: [path]
      properties:
        path:
          type: string
          title: URL path
          pattern: "^/[a-z]*$"
`;

describe('adding and deleting instances, deleting the service', () => {
  let controlPlane: ScratchControlPlane;
  const announced: unknown[] = [];

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const source = await writeTemplateBundle(
      controlPlane.bundlesDirectory,
      { bucket: 'scratch', key: 'changes.tar.gz' },
      {
        files: {
          ...noopTemplateBundleFiles('service'),
          'schema/schema.yaml': SCHEMA,
        },
      },
    );
    await seedWebTemplate(
      controlPlane,
      ['dev', 'prod', 'staging'],
      [{ version: '1.0', source }],
    );
    await seedProtonResources(controlPlane.client, {
      services: [
        {
          name: 'shop',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: [
            'proton: ServiceSpec',
            'instances:',
            '  - name: dev',
            '    environment: dev',
            '    spec:',
            '      path: /shop',
            '  - name: prod',
            '    environment: prod',
            '    spec:',
            '      path: /shop',
            '',
          ].join('\n'),
        },
      ],
    });
    await settleDeployments(controlPlane.client);
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  // what the catalog's Proton provider would hear on the aws-proton topic
  const events = createServiceFactory({
    service: eventsServiceRef,
    deps: {},
    factory: () => ({
      publish: async ({ topic, eventPayload }: EventParams) => {
        if (topic === 'aws-proton') announced.push(eventPayload);
      },
      subscribe: async () => {},
    }),
  });

  const backend = (
    decision:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) =>
    startAwsProtonBackend(controlPlane, {
      database,
      entities: [catalogEntity('Component', 'shop', `${PREFIX}:service/shop`)],
      decision,
      features: [events],
    });

  const instanceNames = async () =>
    (
      await controlPlane.client.send(
        new ListServiceInstancesCommand({ serviceName: 'shop' }),
      )
    )
      .serviceInstances!.map(i => `${i.name}@${i.environmentName}`)
      .sort();

  it('answers 403 without the update permission, and changes nothing', async () => {
    const server = await backend(AuthorizeResult.DENY);
    const user = mockCredentials.user.header();
    const responses = await Promise.all([
      request(server)
        .post(`${SERVICE}/instances`)
        .set('authorization', user)
        .send({ name: 'staging', environment: 'staging', inputs: {} }),
      request(server)
        .delete(`${SERVICE}/instances/prod`)
        .set('authorization', user),
      request(server).delete(SERVICE).set('authorization', user),
    ]);
    expect(responses.map(r => r.status)).toEqual([403, 403, 403]);
    expect(await instanceNames()).toEqual(['dev@dev', 'prod@prod']);
  });

  it('refuses a new instance whose name or inputs are not valid, naming each problem', async () => {
    const server = await backend();
    const bad = await request(server)
      .post(`${SERVICE}/instances`)
      .set('authorization', mockCredentials.user.header())
      .send({ name: 'stag ing', environment: '', inputs: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'name must be a Proton name: 1 to 100 letters, digits, "-" or "_", starting with a letter or digit; ' +
        'environment must name an environment; inputs must be a mapping of input names to values',
    );
    const inputs = await request(server)
      .post(`${SERVICE}/instances`)
      .set('authorization', mockCredentials.user.header())
      .send({ name: 'staging', environment: 'staging', inputs: {} });
    expect(inputs.status).toBe(400);
    expect(inputs.body.error.message).toMatch(
      /^1 problem in the inputs of the new instance staging for web 1\.0:\n {2}- path: is required$/,
    );
    const taken = await request(server)
      .post(`${SERVICE}/instances`)
      .set('authorization', mockCredentials.user.header())
      .send({ name: 'dev', environment: 'staging', inputs: { path: '/x' } });
    expect(taken.status).toBe(409);
    expect(await instanceNames()).toEqual(['dev@dev', 'prod@prod']);
  });

  it('refuses a version that does not exist or is not major.minor', async () => {
    const server = await backend();
    const missing = await request(server)
      .post(`${SERVICE}/instances`)
      .set('authorization', mockCredentials.user.header())
      .send({
        name: 'staging',
        environment: 'staging',
        inputs: { path: '/shop' },
        templateVersion: '9.9',
      });
    expect(missing.status).toBe(404);
    const malformed = await request(server)
      .post(`${SERVICE}/instances`)
      .set('authorization', mockCredentials.user.header())
      .send({
        name: 'staging',
        environment: 'staging',
        inputs: { path: '/shop' },
        templateVersion: 'latest',
      });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toBe(
      'templateVersion must be major.minor, such as 1.2',
    );
    expect(await instanceNames()).toEqual(['dev@dev', 'prod@prod']);
  });

  it('adds an instance in another environment on the recommended version', async () => {
    const response = await request(await backend())
      .post(`${SERVICE}/instances`)
      .set('authorization', mockCredentials.user.header())
      .send({
        name: 'staging',
        environment: 'staging',
        inputs: { path: '/shop' },
      });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      name: 'staging',
      deploymentStatus: 'IN_PROGRESS',
      targetVersion: '1.0',
    });
    expect(await settleDeployments(controlPlane.client)).toEqual([
      'shop/staging',
    ]);
    expect(await instanceNames()).toEqual([
      'dev@dev',
      'prod@prod',
      'staging@staging',
    ]);
  });

  it('removes one instance, keeping the others with their inputs as edited, and never the last one', async () => {
    const server = await backend();
    // dev's inputs change with UpdateServiceInstance, which leaves the service's spec as it was
    await request(server)
      .put(`${SERVICE}/instances/dev/inputs`)
      .set('authorization', mockCredentials.user.header())
      .send({ inputs: { path: '/orders' } })
      .expect(202);
    await settleDeployments(controlPlane.client);
    const response = await request(server)
      .delete(`${SERVICE}/instances/staging`)
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(202);
    expect(await instanceNames()).toEqual(['dev@dev', 'prod@prod']);
    const dev = await request(server)
      .get(`${SERVICE}/instances/dev/inputs`)
      .set('authorization', mockCredentials.user.header());
    expect(dev.body.inputs).toEqual({ path: '/orders' });
    const { service } = await controlPlane.client.send(
      new GetServiceCommand({ name: 'shop' }),
    );
    expect(service!.spec).toContain('path: /orders');
    expect(service!.spec).not.toContain('staging');

    const unknown = await request(server)
      .delete(`${SERVICE}/instances/staging`)
      .set('authorization', mockCredentials.user.header());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'service "shop" has no instance staging',
    );

    await request(server)
      .delete(`${SERVICE}/instances/prod`)
      .set('authorization', mockCredentials.user.header())
      .expect(202);
    await settleDeployments(controlPlane.client);
    const last = await request(server)
      .delete(`${SERVICE}/instances/dev`)
      .set('authorization', mockCredentials.user.header());
    expect(last.status).toBe(400);
    expect(last.body.error.message).toBe(
      'dev is the last instance of service "shop": delete the service instead',
    );
    expect(await instanceNames()).toEqual(['dev@dev']);
  });

  it('deletes the service and tells the catalog', async () => {
    announced.length = 0;
    const response = await request(await backend())
      .delete(SERVICE)
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(202);
    await expect(
      controlPlane.client.send(new GetServiceCommand({ name: 'shop' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(announced).toEqual([
      { action: 'deleted', arn: `${PREFIX}:service/shop` },
    ]);
  });
});

describe('who deleted: the deprovisioning a removal or a deletion started', () => {
  let controlPlane: ScratchControlPlane;
  /** Deprovisioning deployments the runner holds, by ID, until the test ends them. */
  const deprovisioning = new Map<string, DeploymentReporter>();

  beforeAll(async () => {
    // a runner that provisions at once and holds every deprovisioning, as a slow stack deletion would
    const runner: DeploymentRunner = {
      async start(job, reporter) {
        if (job.action === 'deprovision') {
          deprovisioning.set(job.deploymentId, reporter);
        } else {
          setImmediate(() => reporter.succeeded([]));
        }
      },
      async cancel() {},
    };
    controlPlane = await startScratchControlPlane({
      deploymentRunner: runner,
    });
    await seedWebTemplate(controlPlane, ['dev', 'prod'], undefined, {
      runner: true,
    });
    await seedProtonResources(controlPlane.client, {
      services: [
        {
          name: 'shop',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: serviceSpec('dev', 'prod'),
        },
      ],
    });
    for (const name of ['dev', 'prod']) {
      await waitUntilServiceInstanceDeployed(
        {
          client: controlPlane.client,
          maxWaitTime: 60,
          minDelay: 1,
          maxDelay: 1,
        },
        { serviceName: 'shop', name },
      );
    }
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  it('names the user who removed an instance or deleted the service as who started each deprovisioning', async () => {
    const server = await startAwsProtonBackend(controlPlane, {
      database,
      entities: [catalogEntity('Component', 'shop', `${PREFIX}:service/shop`)],
    });
    const as = (user: string) => mockCredentials.user.header(user);
    const history = async (instance: string) =>
      (
        await request(server)
          .get(`${SERVICE}/instances/${instance}/deployments`)
          .set('authorization', as('user:default/jane'))
          .expect(200)
      ).body as Array<{ id: string; status: string; trigger?: object }>;

    await request(server)
      .delete(`${SERVICE}/instances/prod`)
      .set('authorization', as('user:default/jane'))
      .expect(202);
    expect(deprovisioning.size).toBe(1);
    const [removal] = deprovisioning.keys();
    expect((await history('prod'))[0]).toMatchObject({
      id: removal,
      status: 'DELETE_IN_PROGRESS',
      trigger: { kind: 'user', name: 'user:default/jane' },
    });
    // the instance's earlier deployment keeps having no trigger (it was not jane's)
    expect((await history('prod'))[1].trigger).toBeUndefined();
    await deprovisioning.get(removal)!.succeeded([]);

    await request(server)
      .delete(SERVICE)
      .set('authorization', as('user:default/joe'))
      .expect(202);
    const deletion = [...deprovisioning.keys()].find(id => id !== removal);
    expect(deletion).toBeDefined();
    expect((await history('dev'))[0]).toMatchObject({
      id: deletion,
      status: 'DELETE_IN_PROGRESS',
      trigger: { kind: 'user', name: 'user:default/joe' },
    });
    await deprovisioning.get(deletion!)!.succeeded([]);
  });
});
