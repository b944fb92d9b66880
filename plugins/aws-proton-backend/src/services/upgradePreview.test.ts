import {
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
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
import { awsProtonPlugin } from '../plugin';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';
import { seedWebTemplate } from '../__testUtils__/fleetFixtures';

const database = testDatabaseFactory();

/**
 * Before an upgrade, on a real control plane: what a service instance's inputs become under the
 * target version (read from both versions' schemas and the instance's spec), and how any two versions
 * of a template differ (the template page's comparison).
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const PLAN =
  '/api/aws-proton/v1/entities/component/default/shop/service/instances/dev/plan';

describe('GET .../service/instances/:instance/plan', () => {
  let controlPlane: ScratchControlPlane;

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const { client, bundlesDirectory } = controlPlane;
    const files = noopTemplateBundleFiles('service');
    // 1.1 adds an input with a default; 2.0 drops `port` and requires `region`
    const withSchema = (key: string, properties: string, required = '') =>
      writeTemplateBundle(
        bundlesDirectory,
        { bucket: 'scratch', key },
        {
          files: {
            ...files,
            'schema/schema.yaml': `schema:
  format:
    openapi: "3.0.0"
  service_input_type: "Inputs"
  types:
    Inputs:
      type: object
${required}      properties:
${properties}`,
          },
        },
      );
    const port =
      '        port:\n          type: integer\n          default: 80\n';
    const grace =
      '        gracePeriod:\n          type: integer\n          title: Grace period\n          default: 30\n';
    const region = '        region:\n          type: string\n';
    await seedWebTemplate(
      controlPlane,
      ['dev'],
      [
        { version: '1.0', source: await withSchema('v10.tar.gz', port) },
        {
          version: '1.1',
          source: await withSchema('v11.tar.gz', port + grace),
        },
        {
          version: '2.0',
          source: await withSchema(
            'v20.tar.gz',
            grace + region,
            '      required: [region]\n',
          ),
        },
      ],
    );
    await seedProtonResources(client, {
      services: [
        {
          name: 'shop',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: 'proton: ServiceSpec\ninstances:\n  - name: dev\n    environment: dev\n    spec:\n      port: 8080\n',
        },
      ],
    });
    const { serviceInstances } = await client.send(
      new ListServiceInstancesCommand({ serviceName: 'shop' }),
    );
    await client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: serviceInstances![0].arn!,
        status: 'SUCCEEDED',
      }),
    );
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  async function backend() {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'shop',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service': `${PREFIX}:service/shop`,
                },
              },
              spec: { type: 'service', owner: 'guests', lifecycle: 'test' },
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Resource',
              metadata: {
                name: 'web',
                namespace: 'default',
                annotations: {
                  'aws.amazon.com/aws-proton-service-template': `${PREFIX}:service-template/web`,
                },
              },
              spec: { type: 'aws-proton-service-template', owner: 'platform' },
            },
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
              endpoint: controlPlane.server.endpoint,
            },
          },
        }),
      ],
    });
    return server;
  }

  async function plan(deploymentType: string) {
    return request(await backend())
      .get(`${PLAN}?deploymentType=${deploymentType}`)
      .set('authorization', mockCredentials.user.header());
  }

  async function diff(query: string) {
    return request(await backend())
      .get(
        `/api/aws-proton/v1/entities/resource/default/web/template/diff?${query}`,
      )
      .set('authorization', mockCredentials.user.header());
  }

  it('previews a minor upgrade: inputs kept, and the new one with its default', async () => {
    const response = await plan('MINOR_VERSION');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      name: 'dev',
      templateName: 'web',
      environmentName: 'dev',
      currentVersion: '1.0',
      targetVersion: '1.1',
      deploymentType: 'MINOR_VERSION',
      inputs: {
        kept: [{ path: 'port', value: 8080 }],
        added: [{ path: 'gracePeriod', default: 30, required: false }],
        removed: [],
        missing: [],
      },
      // this control plane runs no deployments: the resources cannot be known ahead
      resources: {
        unavailable: expect.stringMatching(
          /cannot tell the resources before it deploys/,
        ),
      },
    });
  });

  it('previews a major upgrade: a dropped input, and a required one a developer must give', async () => {
    const response = await plan('MAJOR_VERSION');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      currentVersion: '1.0',
      targetVersion: '2.0',
      inputs: {
        kept: [],
        removed: [{ path: 'port', value: 8080 }],
        missing: ['region'],
      },
      // the control plane refuses the spec under 2.0, as the upgrade would be refused
      resources: {
        failed: expect.stringMatching(/^The update would be refused: .*region/),
      },
    });
  });

  it("previews a given target version (a campaign's), refusing one the deployment type cannot reach", async () => {
    const given = await request(await backend())
      .get(`${PLAN}?deploymentType=MAJOR_VERSION&targetVersion=2.0`)
      .set('authorization', mockCredentials.user.header());
    expect(given.status).toBe(200);
    expect(given.body).toMatchObject({
      currentVersion: '1.0',
      targetVersion: '2.0',
    });
    const wrong = await request(await backend())
      .get(`${PLAN}?deploymentType=MINOR_VERSION&targetVersion=2.0`)
      .set('authorization', mockCredentials.user.header());
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe(
      'service instance "shop/dev" runs 1.0: 2.0 is not a newer minor version of the same major version',
    );
  });

  it('has no input preview for a redeploy, and refuses an unknown deployment type', async () => {
    const redeploy = await plan('CURRENT_VERSION');
    expect(redeploy.status).toBe(200);
    expect(redeploy.body.inputs).toBeUndefined();
    expect(redeploy.body.resources).toBeUndefined();
    const unknown = await plan('LATEST');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'deploymentType must be one of CURRENT_VERSION, MINOR_VERSION, MAJOR_VERSION',
    );
  });

  it('compares two versions of the template: inputs added, removed and what breaks', async () => {
    const response = await diff('from=1.0&to=2.0');
    expect(response.status).toBe(200);
    const [service, pipeline] = response.body.inputs;
    expect(pipeline).toEqual({
      kind: 'pipeline',
      diff: {
        added: [],
        removed: [],
        typeChanged: [],
        defaultChanged: [],
        breaking: [],
      },
    });
    expect(service.kind).toBe('service');
    expect(service.diff.added).toEqual([
      {
        path: 'gracePeriod',
        title: 'Grace period',
        type: 'integer',
        default: 30,
        required: false,
      },
      { path: 'region', type: 'string', required: true },
    ]);
    expect(service.diff.removed).toEqual([
      { path: 'port', type: 'integer', default: 80, required: false },
    ]);
    expect(
      service.diff.breaking.map((b: { path: string }) => b.path).sort(),
    ).toEqual(['port', 'region']);
    const minor = await diff('from=1.0&to=1.1');
    expect(minor.body.inputs[0].diff.breaking).toEqual([]);
  });

  it('says which version is wrong or missing', async () => {
    const bad = await diff('from=1&to=1.1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'from must be a template version such as 1.0',
    );
    const missing = await diff('from=1.0&to=9.9');
    expect(missing.status).toBe(404);
  });
});
