import {
  CancelServiceInstanceDeploymentCommand,
  ConflictException,
  CreateServiceCommand,
  CreateServiceInstanceCommand,
  GetDeploymentCommand,
  GetServiceInstanceCommand,
  ListServiceInstanceProvisionedResourcesCommand,
  ListServiceInstancesCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListServiceInstances,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateServiceInstanceCommand,
  ValidationException,
  waitUntilServiceInstanceDeployed,
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

function instanceSpec(
  name: string,
  environment: string,
  port?: number,
): string {
  return `proton: ServiceSpec\ninstances:\n  - name: ${name}\n    environment: ${environment}\n    spec:\n${
    port === undefined ? '      {}\n' : `      port: ${port}\n`
  }`;
}

describe('service instances', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTemplateTestServer();
    await publishEnvironmentVersion(test);
    await deployEnvironment(test, 'dev');
    await publishServiceVersion(test, serviceBundleFiles());
    await test.client.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'web',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances: []\n',
      }),
    );
  });
  afterEach(async () => {
    await test.stop();
  });

  const notify = (instance: string, status: 'SUCCEEDED' | 'FAILED') =>
    test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: `arn:aws:proton:us-east-1:000000000000:service/api/${instance}`,
        status,
      }),
    );
  const createInstance = (name: string, port?: number) =>
    test.client.send(
      new CreateServiceInstanceCommand({
        serviceName: 'api',
        name,
        spec: instanceSpec(name, 'dev', port),
      }),
    );

  it('creates an instance from its entry in the spec and deploys it', async () => {
    const created = await createInstance('one', 9000);
    expect(created.serviceInstance).toMatchObject({
      name: 'one',
      serviceName: 'api',
      environmentName: 'dev',
      templateMajorVersion: '1',
      templateMinorVersion: '0',
      deploymentStatus: 'IN_PROGRESS',
    });
    expect(created.serviceInstance?.lastClientRequestToken).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    await notify('one', 'SUCCEEDED');
    const deployed = await waitUntilServiceInstanceDeployed(fastWaiter(test), {
      serviceName: 'api',
      name: 'one',
    });
    expect(deployed.state).toBe('SUCCESS');
    const resources = await test.client.send(
      new ListServiceInstanceProvisionedResourcesCommand({
        serviceName: 'api',
        serviceInstanceName: 'one',
      }),
    );
    expect(resources.provisionedResources).toEqual([]);
    expect(await createInstance('one').catch(e => e)).toBeInstanceOf(
      ConflictException,
    );
    const noEntry = await test.client
      .send(
        new CreateServiceInstanceCommand({
          serviceName: 'api',
          name: 'two',
          spec: instanceSpec('other', 'dev'),
        }),
      )
      .catch(e => e);
    expect(noEntry).toBeInstanceOf(ValidationException);
    expect(noEntry.message).toBe(
      'The spec has no entry for the instance two under instances',
    );
    const noService = await test.client
      .send(
        new CreateServiceInstanceCommand({
          serviceName: 'nope',
          name: 'x',
          spec: instanceSpec('x', 'dev'),
        }),
      )
      .catch(e => e);
    expect(noService).toBeInstanceOf(ResourceNotFoundException);
  });

  it('allows 20 instances per service', async () => {
    for (let i = 0; i < 20; i++) await createInstance(`i${i}`);
    const error = await createInstance('i20').catch(e => e);
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.message).toBe(
      'A service can have at most 20 instances; api has 20',
    );
  });

  it('redeploys with a new spec or version, recording both states', async () => {
    await createInstance('one', 80);
    const busy = await test.client
      .send(
        new UpdateServiceInstanceCommand({
          serviceName: 'api',
          name: 'one',
          deploymentType: 'CURRENT_VERSION',
        }),
      )
      .catch(e => e);
    expect(busy).toBeInstanceOf(ConflictException);
    await notify('one', 'SUCCEEDED');
    const moved = await test.client
      .send(
        new UpdateServiceInstanceCommand({
          serviceName: 'api',
          name: 'one',
          deploymentType: 'CURRENT_VERSION',
          spec: instanceSpec('one', 'elsewhere'),
        }),
      )
      .catch(e => e);
    expect(moved).toBeInstanceOf(ValidationException);
    await publishServiceVersion(
      test,
      serviceBundleFiles(),
      '1',
      'web-1.1.tar.gz',
    );
    const updated = await test.client.send(
      new UpdateServiceInstanceCommand({
        serviceName: 'api',
        name: 'one',
        deploymentType: 'MINOR_VERSION',
        spec: instanceSpec('one', 'dev', 81),
      }),
    );
    expect(updated.serviceInstance).toMatchObject({
      templateMinorVersion: '1',
      deploymentStatus: 'IN_PROGRESS',
    });
    const deployment = await test.client.send(
      new GetDeploymentCommand({
        id: updated.serviceInstance!.lastAttemptedDeploymentId!,
        serviceName: 'api',
      }),
    );
    expect(deployment.deployment).toMatchObject({
      targetResourceType: 'SERVICE_INSTANCE',
      serviceInstanceName: 'one',
      initialState: { serviceInstance: { templateMinorVersion: '0' } },
      targetState: { serviceInstance: { templateMinorVersion: '1' } },
    });
    const none = await test.client
      .send(
        new UpdateServiceInstanceCommand({
          serviceName: 'api',
          name: 'two',
          deploymentType: 'NONE',
        }),
      )
      .catch(e => e);
    expect(none).toBeInstanceOf(ResourceNotFoundException);
  });

  it('cancels a deployment in progress', async () => {
    await createInstance('one');
    const cancelled = await test.client.send(
      new CancelServiceInstanceDeploymentCommand({
        serviceName: 'api',
        serviceInstanceName: 'one',
      }),
    );
    expect(cancelled.serviceInstance?.deploymentStatus).toBe('CANCELLED');
    const again = await test.client
      .send(
        new CancelServiceInstanceDeploymentCommand({
          serviceName: 'api',
          serviceInstanceName: 'one',
        }),
      )
      .catch(e => e);
    expect(again).toBeInstanceOf(ConflictException);
    const instance = await test.client.send(
      new GetServiceInstanceCommand({ serviceName: 'api', name: 'one' }),
    );
    expect(instance.serviceInstance?.deploymentStatus).toBe('CANCELLED');
  });

  it('lists instances with filters and sort orders', async () => {
    for (const name of ['b', 'c', 'a']) {
      await createInstance(name);
      // Distinct creation times, so that the order by createdAt is known.
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    await notify('b', 'SUCCEEDED');
    const names: string[] = [];
    for await (const page of paginateListServiceInstances(
      { client: test.client, pageSize: 2 },
      { serviceName: 'api' },
    )) {
      names.push(...page.serviceInstances!.map(i => i.name!));
    }
    expect(names).toEqual(['a', 'b', 'c']);
    const newest = await test.client.send(
      new ListServiceInstancesCommand({
        sortBy: 'createdAt',
        sortOrder: 'DESCENDING',
      }),
    );
    expect(newest.serviceInstances!.map(i => i.name)).toEqual(['a', 'c', 'b']);
    const succeeded = await test.client.send(
      new ListServiceInstancesCommand({
        filters: [{ key: 'deploymentStatus', value: 'SUCCEEDED' }],
      }),
    );
    expect(succeeded.serviceInstances!.map(i => i.name)).toEqual(['b']);
    const created = (
      await test.client.send(
        new GetServiceInstanceCommand({ serviceName: 'api', name: 'c' }),
      )
    ).serviceInstance!.createdAt!;
    const listed = async (filters: Array<{ key: any; value: string }>) =>
      (
        await test.client.send(
          new ListServiceInstancesCommand({ filters, sortBy: 'name' }),
        )
      ).serviceInstances!.map(i => i.name);
    expect(
      await listed([{ key: 'createdAtBefore', value: created.toISOString() }]),
    ).toEqual(['b']);
    expect(
      await listed([
        { key: 'createdAtAfter', value: String(created.getTime() / 1000) },
        { key: 'templateName', value: 'web' },
      ]),
    ).toEqual(['a']);
    const bad = await test.client
      .send(
        new ListServiceInstancesCommand({
          filters: [
            { key: 'createdAtBefore', value: 'last tuesday' },
            { value: 'SUCCEEDED' } as any,
            { key: 'deployedTemplateVersionStatus', value: 'x' },
          ],
        }),
      )
      .catch(e => e);
    expect(bad).toBeInstanceOf(ValidationException);
    expect(bad.message).toBe(
      "3 validation errors detected: Value 'last tuesday' at 'filters.1.member.value' failed to satisfy " +
        'constraint: Member must be a time (ISO 8601, or seconds since the epoch) for the filter createdAtBefore; ' +
        "Value null at 'filters.2.member.key' failed to satisfy constraint: Member must not be null; " +
        "Value 'deployedTemplateVersionStatus' at 'filters.3.member.key' is not supported by this control plane; " +
        'use one of name, deploymentStatus, templateName, serviceName, environmentName, createdAtBefore, ' +
        'createdAtAfter, lastDeploymentAttemptedAtBefore, lastDeploymentAttemptedAtAfter',
    );
  });
});
