import {
  GetServiceCommand,
  GetServiceTemplateCommand,
  ListServiceInstancesCommand,
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
import { awsProtonPlugin } from './plugin';

const SERVICE_ARN = 'arn:aws:proton:us-east-1:000000000000:service/checkout';

const entity = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
});

describe('aws-proton backend plugin', () => {
  const proton = mockClient(ProtonClient);

  afterEach(() => proton.reset());

  async function start() {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        catalogServiceMock.factory({
          entities: [
            entity('checkout', {
              'aws.amazon.com/aws-proton-service': SERVICE_ARN,
            }),
            entity('plain'),
            entity('broken', {
              'aws.amazon.com/aws-proton-service': 'arn:aws:proton:nowhere',
            }),
          ],
        }),
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

  it('refuses callers without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/aws-proton/v1/entities/component/default/checkout/service')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('answers 404 for an unknown or unannotated entity', async () => {
    const server = await start();
    const unknown = await request(server).get(
      '/api/aws-proton/v1/entities/component/default/nothing/service',
    );
    expect(unknown.status).toBe(404);
    const plain = await request(server).get(
      '/api/aws-proton/v1/entities/component/default/plain/service',
    );
    expect(plain.status).toBe(404);
    expect(plain.body.error.message).toBe(
      'Entity component:default/plain has no aws.amazon.com/aws-proton-service annotation',
    );
    expect(proton.calls()).toHaveLength(0);
  });

  it('answers 400 naming the annotation when the ARN is malformed', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/entities/component/default/broken/service',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'The aws.amazon.com/aws-proton-service annotation of component:default/broken is not valid',
    );
    expect(proton.calls()).toHaveLength(0);
  });

  it('returns the service with every instance and its version against the recommended one', async () => {
    proton.on(GetServiceCommand).resolves({
      service: {
        name: 'checkout',
        arn: SERVICE_ARN,
        status: 'ACTIVE',
        templateName: 'fargate-service',
        spec: '',
        createdAt: new Date(0),
        lastModifiedAt: new Date(0),
      },
    });
    proton.on(GetServiceTemplateCommand).resolves({
      serviceTemplate: {
        name: 'fargate-service',
        arn: 'arn:aws:proton:us-east-1:000000000000:service-template/fargate-service',
        recommendedVersion: '1.1',
        createdAt: new Date(0),
        lastModifiedAt: new Date(0),
      },
    });
    const instance = (name: string, minor: string) => ({
      name,
      arn: `${SERVICE_ARN}/${name}`,
      serviceName: 'checkout',
      environmentName: name,
      deploymentStatus: 'SUCCEEDED' as const,
      templateName: 'fargate-service',
      templateMajorVersion: '1',
      templateMinorVersion: minor,
      createdAt: new Date(0),
      lastDeploymentAttemptedAt: new Date(0),
      lastDeploymentSucceededAt: new Date(0),
    });
    proton
      .on(ListServiceInstancesCommand)
      .resolvesOnce({ serviceInstances: [instance('prod', '1')], nextToken: 'p2' })
      .resolvesOnce({ serviceInstances: [instance('dev', '0')] });

    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/entities/component/default/checkout/service',
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ACTIVE');
    expect(res.body.recommendedVersion).toBe('1.1');
    expect(
      res.body.instances.map((i: any) => [i.name, i.templateVersion, i.upgradeAvailable]),
    ).toEqual([
      ['dev', '1.0', true],
      ['prod', '1.1', false],
    ]);
    expect(proton.commandCalls(ListServiceInstancesCommand)).toHaveLength(2);
  });
});
