import {
  GetServiceCommand,
  GetServiceTemplateVersionCommand,
  ListEnvironmentsCommand,
  ListEnvironmentTemplatesCommand,
  ListServiceInstancesCommand,
  ListServicesCommand,
  ListServiceTemplatesCommand,
  ListServiceTemplateVersionsCommand,
  ListTagsForResourceCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import { mockClient } from 'aws-sdk-client-mock';
import fs from 'node:fs';
import path from 'node:path';
import { AwsProtonEntityProvider } from './AwsProtonEntityProvider';

const PREFIX = 'arn:aws:proton:us-east-1:000000000000';
const date = new Date(0);
const SCHEMA = fs.readFileSync(
  path.resolve(__dirname, '../../../../../shared/proton-samples/cfn-loadbalanced-fargate-svc.schema.yaml'),
  'utf8',
);

const config = new ConfigReader({
  aws: { accounts: [{ accountId: '000000000000', accessKeyId: 'a', secretAccessKey: 'b' }] },
  awsProton: { regions: ['us-east-1'], accountIds: ['000000000000'] },
  catalog: { providers: { awsProton: { demo: { defaultOwner: 'group:platform' } } } },
});

const instance = (service: string, environmentName: string) => ({
  name: environmentName,
  arn: `${PREFIX}:service/${service}/${environmentName}`,
  serviceName: service,
  environmentName,
  templateName: 'fargate-service',
  templateMajorVersion: '1',
  templateMinorVersion: '0',
  deploymentStatus: 'SUCCEEDED' as const,
  createdAt: date,
  lastDeploymentAttemptedAt: date,
  lastDeploymentSucceededAt: date,
});

describe('AwsProtonEntityProvider', () => {
  const proton = mockClient(ProtonClient);
  const clients = ProtonClientFactory.fromConfig(config);

  function provider(catalogEntities: any[] = []) {
    const events = { subscribe: jest.fn(), publish: jest.fn() };
    const [p] = AwsProtonEntityProvider.fromConfig(config, {
      clients,
      logger: mockServices.logger.mock(),
      scheduler: mockServices.scheduler.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: catalogEntities }),
      events,
    });
    return { provider: p, events };
  }

  beforeEach(() => {
    proton.reset();
    proton.on(ListEnvironmentsCommand).resolves({
      environments: [
        { name: 'dev', arn: `${PREFIX}:environment/dev`, templateName: 'fargate-env', templateMajorVersion: '1', templateMinorVersion: '0', deploymentStatus: 'SUCCEEDED', createdAt: date, lastDeploymentAttemptedAt: date, lastDeploymentSucceededAt: date },
      ],
    });
    proton
      .on(ListServicesCommand)
      .resolvesOnce({
        services: [
          { name: 'hello_nginx', arn: `${PREFIX}:service/hello_nginx`, templateName: 'fargate-service', status: 'ACTIVE', createdAt: date, lastModifiedAt: date },
        ],
        nextToken: 'next',
      })
      .resolvesOnce({
        services: [
          { name: 'described', arn: `${PREFIX}:service/described`, templateName: 'fargate-service', status: 'ACTIVE', createdAt: date, lastModifiedAt: date },
        ],
      });
    proton.on(ListServiceInstancesCommand).resolves({
      serviceInstances: [instance('hello_nginx', 'dev'), instance('described', 'dev')],
    });
    proton.on(ListServiceTemplatesCommand).resolves({
      templates: [
        { name: 'fargate-service', arn: `${PREFIX}:service-template/fargate-service`, recommendedVersion: '1.1', createdAt: date, lastModifiedAt: date },
        { name: 'draft-only', arn: `${PREFIX}:service-template/draft-only`, createdAt: date, lastModifiedAt: date },
      ],
    });
    proton.on(ListEnvironmentTemplatesCommand).resolves({
      templates: [{ name: 'fargate-env', arn: `${PREFIX}:environment-template/fargate-env`, recommendedVersion: '1.0', createdAt: date, lastModifiedAt: date }],
    });
    proton.on(ListServiceTemplateVersionsCommand).resolves({
      templateVersions: [
        { templateName: 'fargate-service', majorVersion: '1', minorVersion: '0', status: 'PUBLISHED', arn: 'a', createdAt: date, lastModifiedAt: date },
        { templateName: 'fargate-service', majorVersion: '1', minorVersion: '1', status: 'PUBLISHED', arn: 'b', createdAt: date, lastModifiedAt: date },
        { templateName: 'fargate-service', majorVersion: '2', minorVersion: '0', status: 'DRAFT', arn: 'c', createdAt: date, lastModifiedAt: date },
      ],
    });
    proton.on(GetServiceTemplateVersionCommand).resolves({
      serviceTemplateVersion: { schema: SCHEMA, templateName: 'fargate-service', majorVersion: '1', minorVersion: '1' } as any,
    });
    proton.on(ListTagsForResourceCommand).resolves({ tags: [] });
    proton.on(ListTagsForResourceCommand, { resourceArn: `${PREFIX}:service/hello_nginx` }).resolves({
      tags: [{ key: 'backstage:owner', value: 'group:checkout-team' }],
    });
  });

  it('ingests environments, services, templates and a wizard per published major version', async () => {
    const described = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'described-elsewhere',
        annotations: {
          'aws.amazon.com/aws-proton-service': `${PREFIX}:service/described`,
          'backstage.io/managed-by-location': 'url:https://git.example/catalog-info.yaml',
        },
      },
      spec: { type: 'service', owner: 'x', lifecycle: 'production' },
    };
    const { provider: p } = provider([described]);
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await p.connect(connection);
    await p.refresh();

    const { type, entities } = connection.applyMutation.mock.calls[0][0];
    expect(type).toBe('full');
    const byName = Object.fromEntries(entities.map((e: any) => [`${e.entity.kind}:${e.entity.metadata.name}`, e.entity]));
    expect(Object.keys(byName).sort()).toEqual([
      'Component:hello-nginx',
      'Resource:dev',
      'Resource:environment-template-fargate-env',
      'Resource:service-template-draft-only',
      'Resource:service-template-fargate-service',
      'Template:proton-fargate-service-v1',
    ]);
    expect(byName['Component:hello-nginx'].spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:checkout-team',
      dependsOn: ['resource:dev'],
    });
    expect(byName['Resource:dev'].spec).toEqual({ type: 'aws-proton-environment', owner: 'group:platform' });
    expect(byName['Resource:service-template-fargate-service'].metadata.annotations['aws.amazon.com/aws-proton-service-template']).toBe(
      `${PREFIX}:service-template/fargate-service`,
    );

    const wizard = byName['Template:proton-fargate-service-v1'];
    expect(await templateEntityV1beta3Validator.check(wizard)).toBe(true);
    expect(wizard.spec.steps[0]).toMatchObject({
      action: 'aws:proton:create-service',
      input: { templateName: 'fargate-service', templateMajorVersion: '1', instances: '${{ parameters.instances }}' },
    });
    const inputs = wizard.spec.parameters[1].properties.instances.items.properties.inputs;
    expect(Object.keys(inputs.properties)).toEqual(expect.arrayContaining(['port', 'desired_count']));
    // one version read: the newest published minor of major 1 (the draft of major 2 has no wizard)
    expect(proton.commandCalls(GetServiceTemplateVersionCommand).map(c => c.args[0].input)).toEqual([
      { templateName: 'fargate-service', majorVersion: '1', minorVersion: '1' },
    ]);
    // only templates with something published have their versions listed
    expect(proton.commandCalls(ListServiceTemplateVersionsCommand)).toHaveLength(1);
  });

  it('reads a version and a resource\'s tags once, then from its cache', async () => {
    const { provider: p } = provider();
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await p.connect(connection);
    await p.refresh();
    const tagCalls = proton.commandCalls(ListTagsForResourceCommand).length;
    proton.on(ListServicesCommand).resolves({ services: [] });
    await p.refresh();
    expect(proton.commandCalls(GetServiceTemplateVersionCommand)).toHaveLength(1);
    expect(proton.commandCalls(ListTagsForResourceCommand)).toHaveLength(tagCalls);
  });

  it('ingests a service announced on the aws-proton topic at once', async () => {
    proton.on(GetServiceCommand).resolves({
      service: { name: 'fresh', arn: `${PREFIX}:service/fresh`, templateName: 'fargate-service', status: 'ACTIVE', spec: '', createdAt: date, lastModifiedAt: date },
    });
    proton.on(ListServiceInstancesCommand, { serviceName: 'fresh' }).resolves({ serviceInstances: [instance('fresh', 'dev')] });
    const { provider: p, events } = provider();
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await p.connect(connection);
    const { onEvent, topics } = events.subscribe.mock.calls[0][0];
    expect(topics).toEqual(['aws-proton']);
    await onEvent({ topic: 'aws-proton', eventPayload: { action: 'created', arn: `${PREFIX}:service/fresh` } });
    const mutation = connection.applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('delta');
    expect(mutation.added[0].entity.metadata.name).toBe('fresh');
    expect(mutation.added[0].entity.spec.dependsOn).toEqual(['resource:dev']);
  });

  it('applies nothing when a call fails, so no entity is deleted', async () => {
    proton.on(ListEnvironmentsCommand).rejects(new Error('connect ECONNREFUSED'));
    const { provider: p } = provider();
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await p.connect(connection);
    await expect(p.refresh()).rejects.toThrow(/could not be reached/);
    expect(connection.applyMutation).not.toHaveBeenCalled();
  });
});
