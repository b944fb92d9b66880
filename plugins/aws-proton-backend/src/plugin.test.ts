import {
  ListComponentsCommand,
  GetEnvironmentCommand,
  GetEnvironmentTemplateCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  ListEnvironmentOutputsCommand,
  ListServiceInstanceOutputsCommand,
  ListServiceInstancesCommand,
  ProtonClient,
  UpdateServiceInstanceCommand,
} from '@aws-sdk/client-proton';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { awsProtonPlugin } from './plugin';
import { testDatabaseFactory } from './__testUtils__/testDatabase';

const database = testDatabaseFactory();

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const SERVICE_ARN = `${PREFIX}:service/checkout`;
const date = new Date(0);

const entity = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
});

const instance = (name: string, minor: string, status = 'SUCCEEDED') => ({
  name,
  arn: `${SERVICE_ARN}/${name}`,
  serviceName: 'checkout',
  environmentName: name,
  deploymentStatus: status as any,
  templateName: 'fargate-service',
  templateMajorVersion: '1',
  templateMinorVersion: minor,
  createdAt: date,
  lastDeploymentAttemptedAt: date,
  lastDeploymentSucceededAt: date,
});

describe('aws-proton backend plugin', () => {
  const proton = mockClient(ProtonClient);

  beforeEach(() => {
    proton.reset();
    proton.on(ListComponentsCommand).resolves({ components: [] });
    proton.on(GetServiceCommand).resolves({
      service: {
        name: 'checkout',
        arn: SERVICE_ARN,
        status: 'ACTIVE',
        templateName: 'fargate-service',
        spec: '',
        createdAt: date,
        lastModifiedAt: date,
      },
    });
    proton.on(GetServiceTemplateCommand).resolves({
      serviceTemplate: {
        name: 'fargate-service',
        arn: `${PREFIX}:service-template/fargate-service`,
        recommendedVersion: '1.1',
        createdAt: date,
        lastModifiedAt: date,
      },
    });
    proton.on(GetServiceTemplateVersionCommand).resolves({
      serviceTemplateVersion: { recommendedMinorVersion: '1' } as any,
    });
    proton
      .on(ListServiceInstancesCommand)
      .resolvesOnce({
        serviceInstances: [instance('prod', '1')],
        nextToken: 'p2',
      })
      .resolvesOnce({ serviceInstances: [instance('dev', '0')] });
    proton.on(ListServiceInstanceOutputsCommand).callsFake(input => ({
      outputs: [
        {
          key: 'serviceUrl',
          valueString: `http://${input.serviceInstanceName}.example`,
        },
      ],
    }));
  });

  async function start(options: { allowUpdates?: boolean } = {}) {
    const { server } = await startTestBackend({
      features: [
        awsProtonPlugin,
        database,
        catalogServiceMock.factory({
          entities: [
            entity('checkout', {
              'aws.amazon.com/aws-proton-service': SERVICE_ARN,
            }),
            entity('plain'),
            entity('broken', {
              'aws.amazon.com/aws-proton-service': 'arn:aws:proton:nowhere',
            }),
            entity('foreign', {
              'aws.amazon.com/aws-proton-service':
                'arn:aws:proton:us-east-1:999999999999:service/checkout',
            }),
            {
              ...entity('dev', {
                'aws.amazon.com/aws-proton-environment': `${PREFIX}:environment/dev`,
              }),
              kind: 'Resource',
            },
          ],
        }),
        mockServices.permissions.factory({
          result:
            options.allowUpdates === false
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
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
                {
                  accountId: '999999999999',
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

  const SERVICE =
    '/api/aws-proton/v1/entities/component/default/checkout/service';

  it('refuses callers without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get(SERVICE)
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('answers 404 for an unknown or unannotated entity', async () => {
    const server = await start();
    expect(
      (
        await request(server).get(
          '/api/aws-proton/v1/entities/component/default/nothing/service',
        )
      ).status,
    ).toBe(404);
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

  it('refuses an ARN in an account that is not configured, before any AWS call', async () => {
    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/entities/component/default/foreign/service',
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(
      'AWS account 999999999999 is not one of the accounts',
    );
    expect(proton.calls()).toHaveLength(0);
  });

  it('returns the service, every instance with outputs, and versions against the recommended one', async () => {
    const server = await start();
    const res = await request(server).get(SERVICE);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ACTIVE');
    expect(res.body.inProgress).toBe(false);
    expect(
      res.body.instances.map((i: any) => [
        i.name,
        i.template.version,
        i.template.minorUpgradeAvailable,
        i.outputs,
      ]),
    ).toEqual([
      [
        'dev',
        '1.0',
        true,
        [{ key: 'serviceUrl', value: 'http://dev.example' }],
      ],
      [
        'prod',
        '1.1',
        false,
        [{ key: 'serviceUrl', value: 'http://prod.example' }],
      ],
    ]);
    // one template version read for the one major version the instances run
    expect(proton.commandCalls(GetServiceTemplateVersionCommand)).toHaveLength(
      1,
    );
  });

  it('serves a second request from the cache', async () => {
    const server = await start();
    await request(server).get(SERVICE);
    const calls = proton.calls().length;
    const res = await request(server).get(SERVICE);
    expect(res.status).toBe(200);
    expect(proton.calls()).toHaveLength(calls);
  });

  it('upgrades an instance to the recommended minor version with permission, and says 403 without', async () => {
    proton.on(GetServiceInstanceCommand).resolves({
      serviceInstance: {
        ...instance('dev', '0'),
        spec: 'proton: ServiceSpec',
      },
    });
    proton.on(UpdateServiceInstanceCommand).resolves({
      serviceInstance: { ...instance('dev', '0', 'IN_PROGRESS') },
    });
    const denied = await start({ allowUpdates: false });
    const refused = await request(denied)
      .post(`${SERVICE}/instances/dev/deployments`)
      .send({ deploymentType: 'MINOR_VERSION' });
    expect(refused.status).toBe(403);
    expect(proton.commandCalls(UpdateServiceInstanceCommand)).toHaveLength(0);

    const server = await start();
    const res = await request(server)
      .post(`${SERVICE}/instances/dev/deployments`)
      .send({ deploymentType: 'MINOR_VERSION' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      name: 'dev',
      deploymentStatus: 'IN_PROGRESS',
      targetVersion: '1.1',
    });
    expect(
      proton.commandCalls(UpdateServiceInstanceCommand)[0].args[0].input,
    ).toEqual({
      serviceName: 'checkout',
      name: 'dev',
      deploymentType: 'MINOR_VERSION',
      spec: 'proton: ServiceSpec',
      templateMajorVersion: '1',
      templateMinorVersion: '1',
    });
  });

  it('refuses an unknown deployment type', async () => {
    const server = await start();
    const res = await request(server)
      .post(`${SERVICE}/instances/dev/deployments`)
      .send({ deploymentType: 'LATEST' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'deploymentType must be one of CURRENT_VERSION, MINOR_VERSION, MAJOR_VERSION',
    );
  });

  it('returns an environment with its outputs and the service instances deployed into it', async () => {
    proton.on(GetEnvironmentCommand).resolves({
      environment: {
        name: 'dev',
        arn: `${PREFIX}:environment/dev`,
        deploymentStatus: 'SUCCEEDED',
        templateName: 'fargate-env',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        createdAt: date,
        lastDeploymentAttemptedAt: date,
        lastDeploymentSucceededAt: date,
      },
    });
    proton
      .on(ListEnvironmentOutputsCommand)
      .resolves({ outputs: [{ key: 'vpcId', valueString: 'vpc-1' }] });
    proton.on(GetEnvironmentTemplateCommand).resolves({
      environmentTemplate: {
        name: 'fargate-env',
        recommendedVersion: '1.0',
      } as any,
    });
    proton.on(GetEnvironmentTemplateVersionCommand).resolves({
      environmentTemplateVersion: { recommendedMinorVersion: '0' } as any,
    });
    proton
      .on(ListServiceInstancesCommand)
      .resolves({ serviceInstances: [instance('dev', '0')] });
    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/entities/resource/default/dev/environment',
    );
    expect(res.status).toBe(200);
    expect(res.body.outputs).toEqual([{ key: 'vpcId', value: 'vpc-1' }]);
    expect(res.body.customerManaged).toBe(false);
    expect(res.body.serviceInstances).toEqual([
      {
        serviceName: 'checkout',
        name: 'dev',
        deploymentStatus: 'SUCCEEDED',
        templateName: 'fargate-service',
        templateVersion: '1.0',
      },
    ]);
    expect(
      proton.commandCalls(ListServiceInstancesCommand)[0].args[0].input.filters,
    ).toEqual([{ key: 'environmentName', value: 'dev' }]);
  });

  it('says when the environment template is customer managed', async () => {
    proton.on(GetEnvironmentCommand).resolves({
      environment: {
        name: 'imported',
        arn: `${PREFIX}:environment/imported`,
        deploymentStatus: 'SUCCEEDED',
        templateName: 'existing-infrastructure',
        templateMajorVersion: '1',
        templateMinorVersion: '0',
        createdAt: date,
        lastDeploymentAttemptedAt: date,
        lastDeploymentSucceededAt: date,
      },
    });
    proton.on(ListEnvironmentOutputsCommand).resolves({ outputs: [] });
    proton.on(GetEnvironmentTemplateCommand).resolves({
      environmentTemplate: {
        name: 'existing-infrastructure',
        provisioning: 'CUSTOMER_MANAGED',
        recommendedVersion: '1.0',
      } as any,
    });
    proton.on(GetEnvironmentTemplateVersionCommand).resolves({
      environmentTemplateVersion: { recommendedMinorVersion: '0' } as any,
    });
    proton.on(ListServiceInstancesCommand).resolves({ serviceInstances: [] });
    const server = await start();
    const res = await request(server).get(
      '/api/aws-proton/v1/entities/resource/default/dev/environment',
    );
    expect(res.status).toBe(200);
    expect(res.body.customerManaged).toBe(true);
  });
});
