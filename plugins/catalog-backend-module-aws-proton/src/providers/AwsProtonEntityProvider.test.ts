import {
  ListEnvironmentsCommand,
  ListServiceInstancesCommand,
  ListServicesCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsProtonEntityProvider } from './AwsProtonEntityProvider';

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const config = new ConfigReader({
  aws: {
    accounts: [
      { accountId: '000000000000', accessKeyId: 'a', secretAccessKey: 'b' },
    ],
  },
  awsProton: { regions: ['us-east-1'], accountIds: ['000000000000'] },
  catalog: {
    providers: { awsProton: { demo: { defaultOwner: 'group:platform' } } },
  },
});

describe('AwsProtonEntityProvider', () => {
  const proton = mockClient(ProtonClient);
  const clients = ProtonClientFactory.fromConfig(config);
  const deps = {
    clients,
    logger: mockServices.logger.mock(),
    scheduler: mockServices.scheduler.mock(),
  };

  beforeEach(() => proton.reset());

  it('ingests environments and services, each service depending on its environments', async () => {
    const date = new Date(0);
    proton.on(ListEnvironmentsCommand).resolves({
      environments: [
        {
          name: 'dev',
          arn: `${PREFIX}:environment/dev`,
          templateName: 'fargate-env',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          deploymentStatus: 'SUCCEEDED',
          createdAt: date,
          lastDeploymentAttemptedAt: date,
          lastDeploymentSucceededAt: date,
        },
      ],
    });
    proton
      .on(ListServicesCommand)
      .resolvesOnce({
        services: [
          {
            name: 'hello_nginx',
            arn: `${PREFIX}:service/hello_nginx`,
            templateName: 'fargate-service',
            status: 'ACTIVE',
            createdAt: date,
            lastModifiedAt: date,
          },
        ],
        nextToken: 'next',
      })
      .resolvesOnce({ services: [] });
    proton.on(ListServiceInstancesCommand).resolves({
      serviceInstances: [
        {
          name: 'dev',
          arn: `${PREFIX}:service/hello_nginx/dev`,
          serviceName: 'hello_nginx',
          environmentName: 'dev',
          templateName: 'fargate-service',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
          deploymentStatus: 'SUCCEEDED',
          createdAt: date,
          lastDeploymentAttemptedAt: date,
          lastDeploymentSucceededAt: date,
        },
      ],
    });

    const [provider] = AwsProtonEntityProvider.fromConfig(config, deps);
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    await provider.refresh();

    const { entities } = connection.applyMutation.mock.calls[0][0];
    expect(entities.map((e: any) => e.entity.metadata.name)).toEqual([
      'dev',
      'hello-nginx',
    ]);
    expect(entities[0].entity.spec).toEqual({
      type: 'aws-proton-environment',
      owner: 'group:platform',
    });
    expect(
      entities[1].entity.metadata.annotations['aws.amazon.com/aws-proton-service'],
    ).toBe(`${PREFIX}:service/hello_nginx`);
    expect(entities[1].entity.spec.dependsOn).toEqual(['resource:dev']);
    expect(proton.commandCalls(ListServicesCommand)).toHaveLength(2);
  });

  it('applies nothing when a call fails, so no entity is deleted', async () => {
    proton.on(ListEnvironmentsCommand).rejects(new Error('connect ECONNREFUSED'));
    const [provider] = AwsProtonEntityProvider.fromConfig(config, deps);
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    await expect(provider.refresh()).rejects.toThrow(/could not be reached/);
    expect(connection.applyMutation).not.toHaveBeenCalled();
  });
});
