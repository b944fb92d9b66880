import {
  GetServiceTemplateVersionCommand,
  ListEnvironmentsCommand,
  ListServiceTemplatesCommand,
  ListServiceTemplateVersionsCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { awsProtonPlugin } from '../plugin';
import { testDatabaseFactory } from '../__testUtils__/testDatabase';

const database = testDatabaseFactory();

const date = new Date(0);
const SCHEMA =
  'schema:\n  format:\n    openapi: "3.0.0"\n  service_input_type: "In"\n  types:\n    In:\n      type: object\n      properties: {}\n';

describe('the template catalog routes of the scaffolder form fields', () => {
  const proton = mockClient(ProtonClient);

  beforeEach(() => {
    proton.reset();
    proton.on(ListServiceTemplatesCommand).resolves({
      templates: [
        { name: 'lambda', arn: 'a', createdAt: date, lastModifiedAt: date },
        {
          name: 'fargate-service',
          arn: 'b',
          displayName: 'Fargate service',
          description: 'A container behind the load balancer',
          recommendedVersion: '2.1',
          createdAt: date,
          lastModifiedAt: date,
        },
      ],
    });
    proton.on(ListServiceTemplateVersionsCommand).resolves({
      templateVersions: [
        {
          templateName: 'fargate-service',
          majorVersion: '1',
          minorVersion: '0',
          recommendedMinorVersion: '0',
          status: 'PUBLISHED',
        },
        {
          templateName: 'fargate-service',
          majorVersion: '2',
          minorVersion: '0',
          recommendedMinorVersion: '1',
          status: 'PUBLISHED',
        },
        {
          templateName: 'fargate-service',
          majorVersion: '2',
          minorVersion: '1',
          recommendedMinorVersion: '1',
          status: 'PUBLISHED',
        },
        {
          templateName: 'fargate-service',
          majorVersion: '2',
          minorVersion: '2',
          recommendedMinorVersion: '1',
          status: 'DRAFT',
        },
      ] as any,
    });
    proton.on(GetServiceTemplateVersionCommand).resolves({
      serviceTemplateVersion: {
        templateName: 'fargate-service',
        majorVersion: '2',
        minorVersion: '1',
        status: 'PUBLISHED',
        schema: SCHEMA,
        compatibleEnvironmentTemplates: [
          { templateName: 'fargate-env', majorVersion: '1' },
        ],
      } as any,
    });
    proton.on(ListEnvironmentsCommand).resolves({
      environments: [
        {
          name: 'prod',
          arn: 'p',
          templateName: 'fargate-env',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          deploymentStatus: 'SUCCEEDED',
          createdAt: date,
          lastDeploymentAttemptedAt: date,
          lastDeploymentSucceededAt: date,
        },
        {
          name: 'dev',
          arn: 'd',
          templateName: 'fargate-env',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          deploymentStatus: 'FAILED',
          createdAt: date,
          lastDeploymentAttemptedAt: date,
        },
      ] as any,
    });
  });

  async function start() {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            aws: {
              accounts: [
                {
                  accountId: '000000000000',
                  accessKeyId: 'AKIDEXAMPLE',
                  secretAccessKey: 'secret',
                },
              ],
            },
            awsProton: { regions: ['us-east-1'], accountIds: ['000000000000'] },
          },
        }),
      ],
    });
    return server;
  }

  it('lists published templates with their recommended version, and their published versions', async () => {
    const server = await start();
    const templates = await request(server).get(
      '/api/aws-proton/v1/service-templates',
    );
    expect(templates.status).toBe(200);
    expect(templates.body).toEqual([
      {
        name: 'fargate-service',
        displayName: 'Fargate service',
        description: 'A container behind the load balancer',
        recommendedVersion: '2.1',
        // no pipelineProvisioning: Proton provisions a pipeline
        withPipeline: true,
      },
    ]);
    const versions = await request(server).get(
      '/api/aws-proton/v1/service-templates/fargate-service/versions',
    );
    expect(
      versions.body.map((v: any) => [
        `${v.majorVersion}.${v.minorVersion}`,
        v.recommended,
      ]),
    ).toEqual([
      ['2.1', true],
      ['2.0', false],
      ['1.0', true],
    ]);
  });

  it('returns a version with its schema, the recommended minor when only the major is given', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/service-templates/fargate-service/versions/2',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      majorVersion: '2',
      minorVersion: '1',
      schema: SCHEMA,
    });
    expect(
      proton.commandCalls(GetServiceTemplateVersionCommand)[0].args[0].input,
    ).toEqual({
      templateName: 'fargate-service',
      majorVersion: '2',
      minorVersion: '1',
    });
    const bad = await request(server).get(
      '/api/aws-proton/v1/service-templates/fargate-service/versions/latest',
    );
    expect(bad.status).toBe(400);
  });

  it('lists the environments of the compatible environment templates, with their status', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/environments?template=fargate-service&major=2',
    );
    expect(res.status).toBe(200);
    expect(
      res.body.map((e: any) => [e.name, e.deploymentStatus, e.deployable]),
    ).toEqual([
      ['dev', 'FAILED', false],
      ['prod', 'SUCCEEDED', true],
    ]);
    expect(
      proton.commandCalls(ListEnvironmentsCommand)[0].args[0].input,
    ).toMatchObject({
      environmentTemplates: [
        { templateName: 'fargate-env', majorVersion: '1' },
      ],
    });
    // cached: a second request makes no call
    const calls = proton.calls().length;
    await request(server).get(
      '/api/aws-proton/v1/environments?template=fargate-service&major=2',
    );
    expect(proton.calls()).toHaveLength(calls);
  });

  it('answers only users, and only for allowed accounts', async () => {
    const server = await start();
    const service = await request(server)
      .get('/api/aws-proton/v1/service-templates')
      .set('authorization', mockCredentials.service.header());
    expect(service.status).toBe(403);
    const foreign = await request(server).get(
      '/api/aws-proton/v1/service-templates?accountId=999999999999',
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain(
      'AWS account 999999999999 is not one of the accounts',
    );
    expect(proton.calls()).toHaveLength(0);
  });
});
