import {
  CreateServiceCommand,
  CreateServiceTemplateCommand,
  CreateServiceTemplateVersionCommand,
  DeleteServiceTemplateVersionCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  UpdateServiceTemplateVersionCommand,
  waitUntilServiceTemplateVersionRegistered,
} from '@aws-sdk/client-proton';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { ProtonClientFactory } from '@proton-platform/plugin-aws-proton-node';
import {
  seedProtonResources,
  writeTemplateBundle,
} from '@proton-platform/proton-server';
import {
  countProtonCalls,
  noopTemplateBundleFiles,
  ScratchControlPlane,
  startScratchControlPlane,
} from '@proton-platform/proton-server/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import { AwsProtonEntityProvider } from './AwsProtonEntityProvider';

/** The product's own service template schema: the wizard's inputs come from it. */
const FARGATE_SERVICE_SCHEMA = fs.readFileSync(
  path.resolve(
    __dirname,
    '../../../../templates/proton/fargate-service/v1/schema/schema.yaml',
  ),
  'utf8',
);
const ACCOUNT = '000000000000';
const PREFIX = `arn:aws:proton:us-east-1:${ACCOUNT}`;

/**
 * The known set in the control plane: fargate-env 1.0; fargate-service 1.0, 1.1 and 2.0 published and
 * 3.0 a draft; draft-only with nothing published; the environment dev; the services hello_nginx
 * (owner tag) and described (described by a catalog-info.yaml elsewhere), each with an instance in dev.
 */
async function seedKnownSet(scratch: ScratchControlPlane) {
  const { client, bundlesDirectory, noopBundles } = scratch;
  const fargate = await writeTemplateBundle(
    bundlesDirectory,
    { bucket: 'known', key: 'fargate-service.tar.gz' },
    {
      files: {
        ...noopTemplateBundleFiles('service'),
        'schema/schema.yaml': FARGATE_SERVICE_SCHEMA,
      },
    },
  );
  const compatible = [{ templateName: 'fargate-env', majorVersion: '1' }];
  await seedProtonResources(client, {
    environmentTemplates: [
      {
        name: 'fargate-env',
        versions: [
          { version: '1.0', source: noopBundles.environment, publish: true },
        ],
      },
    ],
    serviceTemplates: [
      {
        name: 'fargate-service',
        displayName: 'Fargate service',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
        compatibleEnvironmentTemplates: compatible,
        versions: [
          { version: '1.0', source: fargate, publish: true },
          { version: '1.1', source: fargate, publish: true },
          { version: '2.0', source: noopBundles.service, publish: true },
          { version: '3.0', source: noopBundles.service, publish: false },
        ],
      },
      {
        name: 'draft-only',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
        compatibleEnvironmentTemplates: compatible,
        versions: [
          { version: '1.0', source: noopBundles.service, publish: false },
        ],
      },
    ],
    environments: [
      {
        name: 'dev',
        templateName: 'fargate-env',
        templateMajorVersion: '1',
        spec: 'proton: EnvironmentSpec\nspec: {}\n',
      },
    ],
  });
  await client.send(
    new NotifyResourceDeploymentStatusChangeCommand({
      resourceArn: `${PREFIX}:environment/dev`,
      status: 'SUCCEEDED',
    }),
  );
  await seedProtonResources(client, {
    services: [
      {
        name: 'hello_nginx',
        tags: {
          'backstage:owner': 'group:checkout-team',
          'proton:pinned': 'frozen for the audit',
        },
        ...serviceOn('dev'),
      },
      { name: 'described', ...serviceOn('dev') },
    ],
  });
}

function serviceOn(environment: string) {
  return {
    templateName: 'fargate-service',
    templateMajorVersion: '1',
    spec: `proton: ServiceSpec\ninstances:\n  - name: ${environment}\n    environment: ${environment}\n    spec:\n      path: /hello\n`,
  };
}

// against a real control plane: more than jest's 5 s per test on a loaded 2-core machine
jest.setTimeout(60_000);

describe('AwsProtonEntityProvider against the control plane', () => {
  let scratch: ScratchControlPlane;
  let config: ConfigReader;

  beforeAll(async () => {
    scratch = await startScratchControlPlane();
    await seedKnownSet(scratch);
    config = new ConfigReader({
      aws: { accounts: [{ accountId: ACCOUNT, ...scratch.credentials }] },
      awsProton: {
        regions: ['us-east-1'],
        accountIds: [ACCOUNT],
        endpoint: scratch.server.endpoint,
      },
      catalog: {
        providers: { awsProton: { demo: { defaultOwner: 'group:platform' } } },
      },
    });
  }, 60_000);

  afterAll(() => scratch?.stop());

  async function connected(catalogEntities: Entity[] = []) {
    const clients = ProtonClientFactory.fromConfig(config);
    const calls = countProtonCalls(await clients.getClient());
    const events = { subscribe: jest.fn(), publish: jest.fn() };
    const [provider] = AwsProtonEntityProvider.fromConfig(config, {
      clients,
      logger: mockServices.logger.mock(),
      scheduler: mockServices.scheduler.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock({ entities: catalogEntities }),
      events,
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    const entities = (): Record<string, Entity> => {
      const { entities: deferred } = connection.applyMutation.mock.lastCall[0];
      return Object.fromEntries(
        deferred.map(({ entity }: { entity: Entity }) => [
          `${entity.kind}:${entity.metadata.name}`,
          entity,
        ]),
      );
    };
    return { provider, connection, calls, events, entities, clients };
  }

  it('ingests environments, services, templates and a wizard per published major version', async () => {
    const described: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'described-elsewhere',
        annotations: {
          'aws.amazon.com/aws-proton-service': `${PREFIX}:service/described`,
          'backstage.io/managed-by-location':
            'url:https://git.example/catalog-info.yaml',
        },
      },
      spec: { type: 'service', owner: 'x', lifecycle: 'production' },
    };
    const { provider, connection, calls, entities } = await connected([
      described,
    ]);
    await provider.refresh();

    expect(connection.applyMutation.mock.lastCall[0].type).toBe('full');
    const byName = entities();
    expect(Object.keys(byName).sort()).toEqual([
      'Component:hello-nginx',
      'Resource:dev',
      'Resource:environment-template-fargate-env',
      'Resource:service-template-draft-only',
      'Resource:service-template-fargate-service',
      'Template:proton-fargate-service-v1',
      'Template:proton-fargate-service-v2',
    ]);
    expect(byName['Component:hello-nginx'].spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:checkout-team',
      dependsOn: ['resource:dev'],
    });
    expect(
      byName['Component:hello-nginx'].metadata.annotations![
        'aws.amazon.com/aws-proton-service'
      ],
    ).toBe(`${PREFIX}:service/hello_nginx`);
    // the proton:pinned tag pins the entity, where fleet views read pins
    expect(
      byName['Component:hello-nginx'].metadata.annotations![
        'aws.amazon.com/aws-proton-pinned'
      ],
    ).toBe('frozen for the audit');
    expect(
      byName['Resource:dev'].metadata.annotations![
        'aws.amazon.com/aws-proton-pinned'
      ],
    ).toBeUndefined();
    expect(byName['Resource:dev'].spec).toEqual({
      type: 'aws-proton-environment',
      owner: 'group:platform',
    });
    expect(
      byName['Resource:service-template-fargate-service'].metadata.annotations![
        'aws.amazon.com/aws-proton-service-template'
      ],
    ).toBe(`${PREFIX}:service-template/fargate-service`);

    const wizard = byName['Template:proton-fargate-service-v1'] as any;
    expect(await templateEntityV1beta3Validator.check(wizard)).toBe(true);
    expect(
      await templateEntityV1beta3Validator.check(
        byName['Template:proton-fargate-service-v2'],
      ),
    ).toBe(true);
    expect(wizard.spec.steps[0]).toMatchObject({
      action: 'aws:proton:create-service',
      input: {
        templateName: 'fargate-service',
        templateMajorVersion: '1',
        instances: '${{ parameters.instances }}',
      },
    });
    const inputs =
      wizard.spec.parameters[1].properties.instances.items.properties.inputs;
    expect(inputs.required).toEqual(['path']);
    expect(inputs.properties.port).toMatchObject({
      type: 'integer',
      default: 80,
      maximum: 65535,
    });

    // Five lists, one list of the versions of the template recommending a major above 1, and one
    // read of each published major's newest minor (1.1 and 2.0); nothing for the draft-only template.
    expect(Object.fromEntries(calls)).toEqual({
      ListEnvironments: 1,
      ListServices: 1,
      ListServiceInstances: 1,
      ListServiceTemplates: 1,
      ListEnvironmentTemplates: 1,
      ListServiceTemplateVersions: 1,
      GetServiceTemplateVersion: 2,
      ListTagsForResource: 3,
    });
  });

  it('reads versions and tags once, then from its cache', async () => {
    const { provider, calls } = await connected();
    await provider.refresh();
    calls.clear();
    await provider.refresh();
    expect(calls.get('GetServiceTemplateVersion')).toBeUndefined();
    expect(calls.get('ListTagsForResource')).toBeUndefined();
  });

  it('changes the wizards when a version is published or deleted', async () => {
    const { client, bundlesDirectory, noopBundles } = scratch;
    const register = async (
      minorVersion: string,
      source: { bucket: string; key: string },
    ) => {
      await client.send(
        new CreateServiceTemplateVersionCommand({
          templateName: 'queue-worker',
          majorVersion: minorVersion === '0' ? undefined : '1',
          source: { s3: source },
          compatibleEnvironmentTemplates: [
            { templateName: 'fargate-env', majorVersion: '1' },
          ],
        }),
      );
      await waitUntilServiceTemplateVersionRegistered(
        { client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { templateName: 'queue-worker', majorVersion: '1', minorVersion },
      );
    };
    const setStatus = (minorVersion: string, status: 'PUBLISHED' | 'DRAFT') =>
      client.send(
        new UpdateServiceTemplateVersionCommand({
          templateName: 'queue-worker',
          majorVersion: '1',
          minorVersion,
          status,
        }),
      );
    const remove = (minorVersion: string) =>
      client.send(
        new DeleteServiceTemplateVersionCommand({
          templateName: 'queue-worker',
          majorVersion: '1',
          minorVersion,
        }),
      );
    await client.send(
      new CreateServiceTemplateCommand({
        name: 'queue-worker',
        pipelineProvisioning: 'CUSTOMER_MANAGED',
      }),
    );
    await register('0', noopBundles.service);
    const { provider, entities } = await connected();
    const wizardInputs = () =>
      Object.keys(
        (entities()['Template:proton-queue-worker-v1'] as any).spec
          .parameters[1].properties.instances.items.properties.inputs
          .properties,
      );
    await provider.refresh();
    expect(entities()).not.toHaveProperty('Template:proton-queue-worker-v1');

    await setStatus('0', 'PUBLISHED');
    await provider.refresh();
    expect(wizardInputs()).toEqual(['port']);

    // 1.1 adds an optional input: the wizard of major 1 offers it at the next refresh
    const files = noopTemplateBundleFiles('service');
    const withReplicas = await writeTemplateBundle(
      bundlesDirectory,
      { bucket: 'known', key: 'queue-worker-1.1.tar.gz' },
      {
        files: {
          ...files,
          'schema/schema.yaml': `${files['schema/schema.yaml']}        replicas:\n          type: integer\n          default: 1\n`,
        },
      },
    );
    await register('1', withReplicas);
    await setStatus('1', 'PUBLISHED');
    await provider.refresh();
    expect(wizardInputs()).toEqual(['port', 'replicas']);

    // the recommended version goes last, as Proton requires
    await remove('0');
    await remove('1');
    await provider.refresh();
    expect(entities()).not.toHaveProperty('Template:proton-queue-worker-v1');
    expect(entities()).toHaveProperty('Template:proton-fargate-service-v2');
  });

  it('ingests a service announced on the aws-proton topic at once', async () => {
    await scratch.client.send(
      new CreateServiceCommand({ name: 'fresh', ...serviceOn('dev') }),
    );
    const { connection, events } = await connected();
    const { onEvent, topics } = events.subscribe.mock.calls[0][0];
    expect(topics).toEqual(['aws-proton']);
    await onEvent({
      topic: 'aws-proton',
      eventPayload: { action: 'created', arn: `${PREFIX}:service/fresh` },
    });
    const mutation = connection.applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('delta');
    expect(mutation.added[0].entity.metadata.name).toBe('fresh');
    expect(mutation.added[0].entity.spec.dependsOn).toEqual(['resource:dev']);
  });

  it('removes the entity of a service announced as deleted, though Proton no longer has it', async () => {
    const { connection, events } = await connected();
    const { onEvent } = events.subscribe.mock.calls[0][0];
    await onEvent({
      topic: 'aws-proton',
      eventPayload: { action: 'deleted', arn: `${PREFIX}:service/gone` },
    });
    const mutation = connection.applyMutation.mock.calls[0][0];
    expect(mutation).toMatchObject({ type: 'delta', added: [] });
    expect(mutation.removed).toHaveLength(1);
    expect(mutation.removed[0].entity).toMatchObject({
      kind: 'Component',
      metadata: { name: 'gone' },
    });
  });

  it('applies nothing when the control plane cannot be reached, so no entity is deleted', async () => {
    const clients = ProtonClientFactory.fromConfig(
      new ConfigReader({
        aws: { accounts: [{ accountId: ACCOUNT, ...scratch.credentials }] },
        awsProton: {
          regions: ['us-east-1'],
          accountIds: [ACCOUNT],
          endpoint: 'http://127.0.0.1:9',
          maxAttempts: 1,
        },
      }),
    );
    const [provider] = AwsProtonEntityProvider.fromConfig(config, {
      clients,
      logger: mockServices.logger.mock(),
      scheduler: mockServices.scheduler.mock(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock(),
    });
    const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
    await provider.connect(connection);
    await expect(provider.refresh()).rejects.toThrow(/could not be reached/);
    expect(connection.applyMutation).not.toHaveBeenCalled();
  });
});
