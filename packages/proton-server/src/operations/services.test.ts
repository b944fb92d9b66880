import {
  ConflictException,
  CreateEnvironmentCommand,
  CreateServiceCommand,
  DeleteEnvironmentCommand,
  DeleteServiceCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  ListServiceInstanceOutputsCommand,
  ListTagsForResourceCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListServices,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateServiceCommand,
  ValidationException,
  waitUntilServiceCreated,
} from '@aws-sdk/client-proton';
import { serviceBundleFiles } from '../__testUtils__/templateBundles';
import {
  deployEnvironment,
  fastWaiter,
  publishEnvironmentVersion,
  publishServiceVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';

const INSTANCE_ARN = (service: string, instance: string) =>
  `arn:aws:proton:us-east-1:000000000000:service/${service}/service-instance/${instance}`;

function serviceSpec(instances: Array<[string, string, string?]>): string {
  if (instances.length === 0) return 'proton: ServiceSpec\ninstances: []\n';
  return `proton: ServiceSpec\ninstances:\n${instances
    .map(
      ([name, environment, port]) =>
        `  - name: ${name}\n    environment: ${environment}\n    spec:\n${
          port ? `      port: ${port}\n` : '      {}\n'
        }`,
    )
    .join('')}`;
}

describe('services', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTemplateTestServer();
    await publishEnvironmentVersion(test);
    await deployEnvironment(test, 'dev', [
      { key: 'vpcId', valueString: 'vpc-dev' },
    ]);
    await deployEnvironment(test, 'prod');
    await publishServiceVersion(test, serviceBundleFiles());
  });
  afterEach(async () => {
    await test.stop();
  });

  const createService = (spec: string, name = 'api') =>
    test.client.send(
      new CreateServiceCommand({
        name,
        templateName: 'web',
        templateMajorVersion: '1',
        spec,
        tags: [{ key: 'team', value: 'payments' }],
      }),
    );
  const notify = (
    service: string,
    instance: string,
    status: 'SUCCEEDED' | 'FAILED',
    extra = {},
  ) =>
    test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: INSTANCE_ARN(service, instance),
        status,
        ...extra,
      }),
    );

  it('creates a service with its instances and becomes ACTIVE once they are deployed', async () => {
    const spec = serviceSpec([
      ['api-dev', 'dev', '8080'],
      ['api-prod', 'prod'],
    ]);
    const created = await createService(spec);
    expect(created.service).toMatchObject({
      name: 'api',
      arn: 'arn:aws:proton:us-east-1:000000000000:service/api',
      templateName: 'web',
      status: 'CREATE_IN_PROGRESS',
      spec,
    });
    const instance = await test.client.send(
      new GetServiceInstanceCommand({ serviceName: 'api', name: 'api-dev' }),
    );
    expect(instance.serviceInstance).toMatchObject({
      arn: INSTANCE_ARN('api', 'api-dev'),
      environmentName: 'dev',
      templateName: 'web',
      templateMajorVersion: '1',
      templateMinorVersion: '0',
      deploymentStatus: 'IN_PROGRESS',
    });
    await notify('api', 'api-dev', 'SUCCEEDED', {
      outputs: [{ key: 'url', valueString: 'https://api-dev' }],
    });
    expect(
      (await test.client.send(new GetServiceCommand({ name: 'api' }))).service
        ?.status,
    ).toBe('CREATE_IN_PROGRESS');
    await notify('api', 'api-prod', 'SUCCEEDED');
    const created2 = await waitUntilServiceCreated(fastWaiter(test), {
      name: 'api',
    });
    expect(created2.state).toBe('SUCCESS');
    expect(
      (await test.client.send(new GetServiceCommand({ name: 'api' }))).service
        ?.status,
    ).toBe('ACTIVE');
    const outputs = await test.client.send(
      new ListServiceInstanceOutputsCommand({
        serviceName: 'api',
        serviceInstanceName: 'api-dev',
      }),
    );
    expect(outputs.outputs).toEqual([
      { key: 'url', valueString: 'https://api-dev' },
    ]);
    const tags = await test.client.send(
      new ListTagsForResourceCommand({
        resourceArn: 'arn:aws:proton:us-east-1:000000000000:service/api',
      }),
    );
    expect(tags.tags).toEqual([{ key: 'team', value: 'payments' }]);
  });

  it('reports a failed instance in the service status', async () => {
    await createService(
      serviceSpec([
        ['a', 'dev'],
        ['b', 'prod'],
      ]),
    );
    await notify('api', 'a', 'SUCCEEDED');
    await notify('api', 'b', 'FAILED', { statusMessage: 'image not found' });
    const service = (
      await test.client.send(new GetServiceCommand({ name: 'api' }))
    ).service!;
    expect(service).toMatchObject({
      status: 'CREATE_FAILED',
      statusMessage: 'b: image not found',
    });
  });

  it('validates the spec, the environments and the instance quota', async () => {
    const invalid = await createService(
      serviceSpec([['a', 'dev', 'not-a-number']]),
    ).catch(e => e);
    expect(invalid).toBeInstanceOf(ValidationException);
    expect(invalid.message).toContain('instances[0].spec.port');
    const twice = await createService(
      serviceSpec([
        ['a', 'dev'],
        ['a', 'prod'],
      ]),
    ).catch(e => e);
    expect(twice).toBeInstanceOf(ValidationException);
    const missing = await createService(serviceSpec([['a', 'nowhere']])).catch(
      e => e,
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    await test.client.send(
      new CreateEnvironmentCommand({
        name: 'pending',
        templateName: 'vpc',
        templateMajorVersion: '1',
        spec: 'proton: EnvironmentSpec\nspec: {}\n',
      }),
    );
    const notDeployed = await createService(
      serviceSpec([['a', 'pending']]),
    ).catch(e => e);
    expect(notDeployed).toBeInstanceOf(ValidationException);
    expect(notDeployed.message).toBe(
      'The environment pending is not deployed (IN_PROGRESS)',
    );
    const many = Array.from({ length: 21 }, (_, i): [string, string] => [
      `i${i}`,
      'dev',
    ]);
    const tooMany = await createService(serviceSpec(many)).catch(e => e);
    expect(tooMany).toBeInstanceOf(ServiceQuotaExceededException);
    expect(tooMany.$metadata.httpStatusCode).toBe(402);
    expect(
      await test.client
        .send(new GetServiceCommand({ name: 'api' }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
    await createService(serviceSpec([['a', 'dev']]));
    // CreateService is idempotent: only a repeat with other parameters is refused.
    expect(
      await createService(serviceSpec([['b', 'dev']])).catch(e => e),
    ).toBeInstanceOf(ValidationException);
  });

  it('adds and removes instances through UpdateService', async () => {
    await createService(
      serviceSpec([
        ['a', 'dev'],
        ['b', 'prod'],
      ]),
    );
    const busy = await test.client
      .send(new UpdateServiceCommand({ name: 'api', description: 'busy' }))
      .catch(e => e);
    expect(busy).toBeInstanceOf(ConflictException);
    await notify('api', 'a', 'SUCCEEDED');
    await notify('api', 'b', 'SUCCEEDED');
    const described = await test.client.send(
      new UpdateServiceCommand({ name: 'api', description: 'The API' }),
    );
    expect(described.service).toMatchObject({
      description: 'The API',
      status: 'ACTIVE',
    });
    const spec = serviceSpec([
      ['a', 'dev'],
      ['c', 'prod'],
    ]);
    const updated = await test.client.send(
      new UpdateServiceCommand({ name: 'api', spec }),
    );
    expect(updated.service).toMatchObject({
      status: 'UPDATE_IN_PROGRESS',
      spec,
    });
    expect(
      await test.client
        .send(new GetServiceInstanceCommand({ serviceName: 'api', name: 'b' }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
    await notify('api', 'c', 'SUCCEEDED');
    expect(
      (await test.client.send(new GetServiceCommand({ name: 'api' }))).service
        ?.status,
    ).toBe('ACTIVE');
  });

  it('deletes a service with its instances, freeing their environments', async () => {
    await createService(serviceSpec([['a', 'dev']]));
    const inUse = await test.client
      .send(new DeleteEnvironmentCommand({ name: 'dev' }))
      .catch(e => e);
    expect(inUse).toBeInstanceOf(ConflictException);
    await notify('api', 'a', 'SUCCEEDED');
    const deleted = await test.client.send(
      new DeleteServiceCommand({ name: 'api' }),
    );
    expect(deleted.service?.status).toBe('DELETE_IN_PROGRESS');
    expect(
      await test.client
        .send(new GetServiceCommand({ name: 'api' }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
    await test.client.send(new DeleteEnvironmentCommand({ name: 'dev' }));
  });

  it('lists services page by page', async () => {
    for (const name of ['c', 'a', 'b'])
      await createService(serviceSpec([]), name);
    const names: string[] = [];
    for await (const page of paginateListServices(
      { client: test.client, pageSize: 2 },
      {},
    )) {
      names.push(...page.services!.map(s => s.name!));
      expect(page.services!.every(s => !('spec' in s))).toBe(true);
    }
    expect(names).toEqual(['a', 'b', 'c']);
  });
});
