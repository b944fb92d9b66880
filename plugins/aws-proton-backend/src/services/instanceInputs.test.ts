import {
  GetServiceInstanceCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-proton';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
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
  settleDeployments,
  startAwsProtonBackend,
} from '../__testUtils__/fleetFixtures';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';

/**
 * Editing a service instance's inputs from its entity page, on a real control plane: the values and
 * schema a form needs, and an edit that deploys the instance again with new inputs, checked with
 * the scaffolder's rules first.
 */

jest.setTimeout(60_000);

const database = testDatabaseFactory();

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const INPUTS =
  '/api/aws-proton/v1/entities/component/default/shop/service/instances';

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
        port:
          type: integer
          title: Container port
          default: 80
          maximum: 65535
`;

describe('.../service/instances/:instance/inputs', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const source = await writeTemplateBundle(
      controlPlane.bundlesDirectory,
      { bucket: 'scratch', key: 'inputs.tar.gz' },
      {
        files: {
          ...noopTemplateBundleFiles('service'),
          'schema/schema.yaml': SCHEMA,
        },
      },
    );
    await seedWebTemplate(
      controlPlane,
      ['dev', 'prod'],
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
            '      port: 8080',
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

  const backend = (
    decision:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) =>
    startAwsProtonBackend(controlPlane, {
      database,
      entities: [catalogEntity('Component', 'shop', `${PREFIX}:service/shop`)],
      decision,
    });

  const instance = async (name: string) =>
    (
      await controlPlane.client.send(
        new GetServiceInstanceCommand({ serviceName: 'shop', name }),
      )
    ).serviceInstance!;
  const deploymentCount = async (name: string) =>
    (
      await controlPlane.client.send(
        new ListDeploymentsCommand({
          serviceName: 'shop',
          serviceInstanceName: name,
        }),
      )
    ).deployments!.length;

  it('reads the inputs as the spec sets them, with the schema of the version the instance runs', async () => {
    const response = await request(await backend())
      .get(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      name: 'dev',
      environmentName: 'dev',
      templateName: 'web',
      templateVersion: '1.0',
      schema: SCHEMA,
      inputs: { path: '/shop', port: 8080 },
    });
  });

  it('refuses every input that is wrong, in words, and deploys nothing', async () => {
    const before = await deploymentCount('dev');
    const response = await request(await backend())
      .put(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header())
      .send({ inputs: { path: 'shop', port: 70000 } });
    expect(response.status).toBe(400);
    const message: string = response.body.error.message;
    expect(message).toMatch(
      /^2 problems in the inputs of service instance "shop\/dev" for web 1\.0:/,
    );
    expect(message).toContain(
      'path: is not in the expected form (pattern ^/[a-z]*$)',
    );
    expect(message).toContain('port: must be <= 65535');
    expect(await deploymentCount('dev')).toBe(before);
    expect((await instance('dev')).spec).toContain('port: 8080');
  });

  it('refuses inputs that are not a mapping', async () => {
    const server = await backend();
    for (const inputs of [undefined, null, 'path: /x', ['/x']]) {
      const response = await request(server)
        .put(`${INPUTS}/dev/inputs`)
        .set('authorization', mockCredentials.user.header())
        .send({ inputs });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        'inputs must be a mapping of input names to values',
      );
    }
  });

  it('answers 403 without the update permission, for reading and editing', async () => {
    const server = await backend(AuthorizeResult.DENY);
    const read = await request(server)
      .get(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header());
    expect(read.status).toBe(403);
    const edit = await request(server)
      .put(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header())
      .send({ inputs: { path: '/orders' } });
    expect(edit.status).toBe(403);
    expect((await instance('dev')).spec).toContain('path: /shop');
  });

  it('deploys the instance again on its version with the new inputs, keeping the other instances', async () => {
    const before = await deploymentCount('dev');
    const server = await backend();
    const response = await request(server)
      .put(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header())
      .send({ inputs: { path: '/orders', port: 9090 } });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      name: 'dev',
      deploymentStatus: 'IN_PROGRESS',
      targetVersion: '1.0',
    });
    const dev = await instance('dev');
    expect(dev.deploymentStatus).toBe('IN_PROGRESS');
    expect(dev.templateMinorVersion).toBe('0');
    expect(await deploymentCount('dev')).toBe(before + 1);

    // while it deploys, another edit waits
    const busy = await request(server)
      .put(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header())
      .send({ inputs: { path: '/orders' } });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/is being deployed/);

    expect(await settleDeployments(controlPlane.client)).toEqual(['shop/dev']);
    const read = await request(server)
      .get(`${INPUTS}/dev/inputs`)
      .set('authorization', mockCredentials.user.header());
    expect(read.body.inputs).toEqual({ path: '/orders', port: 9090 });
    const prod = await request(server)
      .get(`${INPUTS}/prod/inputs`)
      .set('authorization', mockCredentials.user.header());
    expect(prod.body.inputs).toEqual({ path: '/shop' });
  });
});
