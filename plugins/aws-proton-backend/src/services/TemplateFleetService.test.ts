import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
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
import {
  seedWebTemplate,
  serviceSpec,
  settleDeployments,
} from '../__testUtils__/fleetFixtures';

const database = testDatabaseFactory();

/**
 * Where a template runs, on its entity's page: every service instance by version, joined with the
 * catalog entities of its service and environment, their owners and pins.
 */

jest.setTimeout(60_000);

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';

function entity(
  kind: string,
  name: string,
  annotations: Record<string, string>,
  owner: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

const ENTITIES = [
  entity(
    'Resource',
    'web',
    {
      'aws.amazon.com/aws-proton-service-template': `${PREFIX}:service-template/web`,
    },
    'group:default/platform',
  ),
  entity(
    'Resource',
    'web-pipeline',
    {
      'aws.amazon.com/aws-proton-service-template': `${PREFIX}:service-template/web-pipeline`,
    },
    'group:default/platform',
  ),
  entity(
    'Component',
    'alpha',
    {
      'aws.amazon.com/aws-proton-service': `${PREFIX}:service/alpha`,
      'aws.amazon.com/aws-proton-pinned': ' waiting for the load test ',
    },
    'group:default/team-a',
  ),
  entity(
    'Component',
    'beta',
    { 'aws.amazon.com/aws-proton-service': `${PREFIX}:service/beta` },
    'group:default/team-b',
  ),
  // a service of another account is not alpha's entity
  entity(
    'Component',
    'elsewhere',
    {
      'aws.amazon.com/aws-proton-service':
        'arn:aws:proton:us-east-1:111111111111:service/gamma',
    },
    'group:default/team-c',
  ),
  entity(
    'Resource',
    'dev',
    { 'aws.amazon.com/aws-proton-environment': `${PREFIX}:environment/dev` },
    'group:default/platform',
  ),
];

describe('GET /v1/entities/:kind/:namespace/:name/template/fleet', () => {
  let controlPlane: ScratchControlPlane;

  const succeedAll = () => settleDeployments(controlPlane.client);

  beforeAll(async () => {
    controlPlane = await startScratchControlPlane();
    const { client } = controlPlane;
    await seedWebTemplate(controlPlane, ['dev', 'prod']);
    const spec = serviceSpec;
    await seedProtonResources(client, {
      services: [
        {
          name: 'alpha',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: spec('dev', 'prod'),
        },
        {
          name: 'beta',
          templateName: 'web',
          templateMajorVersion: '1',
          spec: spec('dev'),
        },
        {
          name: 'gamma',
          templateName: 'web',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          spec: spec('prod'),
        },
      ],
    });
    await succeedAll();

    // a template whose pipelines Proton provisions, with one service
    const files = noopTemplateBundleFiles('service');
    const withPipeline = await writeTemplateBundle(
      controlPlane.bundlesDirectory,
      { bucket: 'scratch', key: 'with-pipeline.tar.gz' },
      {
        files: {
          ...files,
          'schema/schema.yaml': files['schema/schema.yaml'].replace(
            '  types:',
            '  pipeline_input_type: "Inputs"\n  types:',
          ),
          'pipeline_infrastructure/manifest.yaml':
            files['instance_infrastructure/manifest.yaml'],
        },
      },
    );
    await seedProtonResources(client, {
      serviceTemplates: [
        {
          name: 'web-pipeline',
          compatibleEnvironmentTemplates: [
            { templateName: 'env', majorVersion: '1' },
          ],
          versions: [{ version: '1.0', source: withPipeline, publish: true }],
        },
      ],
      services: [
        {
          name: 'built',
          templateName: 'web-pipeline',
          templateMajorVersion: '1',
          spec: `proton: ServiceSpec\npipeline: {}\n${spec('dev').slice(
            'proton: ServiceSpec\n'.length,
          )}`,
          repositoryConnectionArn:
            'arn:aws:codestar-connections:us-east-1:000000000000:connection/00000000-0000-4000-8000-000000000000',
          repositoryId: 'team/built',
          branchName: 'main',
        },
      ],
    });
    // the instances' deployments and the pipeline's
    await succeedAll();
  });

  afterAll(async () => {
    await controlPlane?.stop();
  });

  async function startBackend() {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              accounts: [
                {
                  accountId: '000000000000',
                  ...controlPlane.credentials,
                },
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

  it('lists every instance by version with its service, environment, owner and pin', async () => {
    const server = await startBackend();
    const response = await request(server)
      .get('/api/aws-proton/v1/entities/resource/default/web/template/fleet')
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'web',
      kind: 'service',
      recommendedVersion: '1.1',
      inProgress: false,
    });
    const members = response.body.members.map((m: any) => ({
      ...m,
      lastDeploymentAttemptedAt: typeof m.lastDeploymentAttemptedAt,
    }));
    const member = (
      serviceName: string,
      name: string,
      version: string,
      catalog: Record<string, string>,
    ) => ({
      kind: 'service-instance',
      arn: `${PREFIX}:service/${serviceName}/service-instance/${name}`,
      name,
      serviceName,
      environmentName: name,
      version,
      deploymentStatus: 'SUCCEEDED',
      lastDeploymentAttemptedAt: 'string',
      ...catalog,
    });
    expect(members).toEqual([
      member('alpha', 'dev', '1.0', {
        entityRef: 'component:default/alpha',
        environmentEntityRef: 'resource:default/dev',
        owner: 'group:default/team-a',
        pinnedReason: 'waiting for the load test',
      }),
      member('alpha', 'prod', '1.0', {
        entityRef: 'component:default/alpha',
        owner: 'group:default/team-a',
        pinnedReason: 'waiting for the load test',
      }),
      member('beta', 'dev', '1.1', {
        entityRef: 'component:default/beta',
        environmentEntityRef: 'resource:default/dev',
        owner: 'group:default/team-b',
      }),
      // no entity of the catalog describes gamma of this account
      member('gamma', 'prod', '1.0', {}),
    ]);
  });

  it('shows an upgrade made from a service page at once (the cached fleet is forgotten)', async () => {
    const server = await startBackend();
    const versionOfAlphaProd = async () =>
      (
        await request(server)
          .get(
            '/api/aws-proton/v1/entities/resource/default/web/template/fleet',
          )
          .set('authorization', mockCredentials.user.header())
      ).body.members.find(
        (m: any) => m.serviceName === 'alpha' && m.name === 'prod',
      );
    expect(await versionOfAlphaProd()).toMatchObject({ version: '1.0' });
    const upgrade = await request(server)
      .post(
        '/api/aws-proton/v1/entities/component/default/alpha/service/instances/prod/deployments',
      )
      .set('authorization', mockCredentials.user.header())
      .send({ deploymentType: 'MINOR_VERSION' });
    expect(upgrade.status).toBe(202);
    expect(await versionOfAlphaProd()).toMatchObject({
      version: '1.1',
      deploymentStatus: 'IN_PROGRESS',
    });
    await succeedAll();
  });

  it("lists a template's pipelines beside its instances", async () => {
    const server = await startBackend();
    const response = await request(server)
      .get(
        '/api/aws-proton/v1/entities/resource/default/web-pipeline/template/fleet',
      )
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(200);
    expect(
      response.body.members.map((m: any) => [
        m.kind,
        m.serviceName,
        m.name,
        m.environmentName,
        m.version,
        m.deploymentStatus,
      ]),
    ).toEqual([
      ['service-instance', 'built', 'dev', 'dev', '1.0', 'SUCCEEDED'],
      ['pipeline', 'built', 'pipeline', undefined, '1.0', 'SUCCEEDED'],
    ]);
  });

  it('answers 404 for an entity without a template annotation', async () => {
    const server = await startBackend();
    const response = await request(server)
      .get('/api/aws-proton/v1/entities/component/default/alpha/template/fleet')
      .set('authorization', mockCredentials.user.header());
    expect(response.status).toBe(404);
  });
});
