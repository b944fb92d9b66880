import {
  CancelEnvironmentDeploymentCommand,
  ConflictException,
  CreateEnvironmentCommand,
  DeleteEnvironmentCommand,
  DeleteEnvironmentTemplateVersionCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  ListDeploymentsCommand,
  ListEnvironmentOutputsCommand,
  ListEnvironmentProvisionedResourcesCommand,
  ListTagsForResourceCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  paginateListEnvironments,
  ResourceNotFoundException,
  UpdateEnvironmentCommand,
  ValidationException,
  waitUntilEnvironmentDeployed,
} from '@aws-sdk/client-proton';
import {
  fastWaiter,
  publishEnvironmentVersion,
  registerEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';

const ENV_ARN = 'arn:aws:proton:us-east-1:000000000000:environment/dev';
const SPEC = 'proton: EnvironmentSpec\nspec:\n  vpc_cidr: 10.1.0.0/16\n';

describe('environments without a runner (self-managed provisioning)', () => {
  let test: TestServer;
  beforeEach(async () => {
    test = await startTemplateTestServer();
    await publishEnvironmentVersion(test);
  });
  afterEach(async () => {
    await test.stop();
  });

  const create = (name = 'dev', spec = SPEC) =>
    test.client.send(
      new CreateEnvironmentCommand({
        name,
        templateName: 'vpc',
        templateMajorVersion: '1',
        spec,
        tags: [{ key: 'stage', value: 'dev' }],
      }),
    );

  it('creates an environment IN_PROGRESS and completes it when notified', async () => {
    const created = await create();
    expect(created.environment).toMatchObject({
      name: 'dev',
      arn: ENV_ARN,
      templateName: 'vpc',
      templateMajorVersion: '1',
      templateMinorVersion: '0',
      deploymentStatus: 'IN_PROGRESS',
      spec: SPEC,
    });
    const deploymentId = created.environment!.lastAttemptedDeploymentId!;
    const deployment = await test.client.send(
      new GetDeploymentCommand({ id: deploymentId, environmentName: 'dev' }),
    );
    expect(deployment.deployment).toMatchObject({
      id: deploymentId,
      arn: `arn:aws:proton:us-east-1:000000000000:deployment/${deploymentId}`,
      targetArn: ENV_ARN,
      targetResourceType: 'ENVIRONMENT',
      deploymentStatus: 'IN_PROGRESS',
      targetState: {
        environment: {
          spec: SPEC,
          templateName: 'vpc',
          templateMajorVersion: '1',
          templateMinorVersion: '0',
        },
      },
    });
    await test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: ENV_ARN,
        status: 'SUCCEEDED',
        outputs: [
          { key: 'vpcId', valueString: 'vpc-123' },
          { key: 'cidr', valueString: '10.1.0.0/16' },
        ],
      }),
    );
    const deployed = await waitUntilEnvironmentDeployed(fastWaiter(test), {
      name: 'dev',
    });
    expect(deployed.state).toBe('SUCCESS');
    const environment = (
      await test.client.send(new GetEnvironmentCommand({ name: 'dev' }))
    ).environment!;
    expect(environment).toMatchObject({
      deploymentStatus: 'SUCCEEDED',
      lastSucceededDeploymentId: deploymentId,
    });
    expect(environment.lastDeploymentSucceededAt).toBeInstanceOf(Date);
    const outputs = await test.client.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
    );
    expect(outputs.outputs).toEqual([
      { key: 'cidr', valueString: '10.1.0.0/16' },
      { key: 'vpcId', valueString: 'vpc-123' },
    ]);
    const resources = await test.client.send(
      new ListEnvironmentProvisionedResourcesCommand({
        environmentName: 'dev',
      }),
    );
    expect(resources.provisionedResources).toEqual([]);
    const again = await test.client
      .send(
        new NotifyResourceDeploymentStatusChangeCommand({
          resourceArn: ENV_ARN,
          status: 'FAILED',
        }),
      )
      .catch(e => e);
    expect(again).toBeInstanceOf(ConflictException);
  });

  it('records a failure with its message', async () => {
    await create();
    await test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: ENV_ARN,
        status: 'FAILED',
        statusMessage: 'quota hit',
      }),
    );
    const failed = await waitUntilEnvironmentDeployed(fastWaiter(test), {
      name: 'dev',
    }).catch(e => e);
    expect(String(failed)).toContain('FAILURE');
    const environment = (
      await test.client.send(new GetEnvironmentCommand({ name: 'dev' }))
    ).environment!;
    expect(environment).toMatchObject({
      deploymentStatus: 'FAILED',
      deploymentStatusMessage: 'quota hit',
    });
  });

  it('validates the spec against the template schema and the version', async () => {
    const wrongType = await create(
      'dev',
      'proton: EnvironmentSpec\nspec:\n  vpc_cidr: [1]\n',
    ).catch(e => e);
    expect(wrongType).toBeInstanceOf(ValidationException);
    expect(wrongType.message).toContain('spec.vpc_cidr');
    const notSpec = await create(
      'dev',
      'proton: ServiceSpec\ninstances: []\n',
    ).catch(e => e);
    expect(notSpec).toBeInstanceOf(ValidationException);
    const unpublished = await registerEnvironmentVersion(test, 'v2.tar.gz');
    const draft = await test.client
      .send(
        new CreateEnvironmentCommand({
          name: 'x',
          templateName: 'vpc',
          templateMajorVersion: unpublished.majorVersion!,
          spec: SPEC,
        }),
      )
      .catch(e => e);
    expect(draft).toBeInstanceOf(ValidationException);
    expect(draft.message).toContain('no published version in major version 2');
    const missing = await test.client
      .send(
        new CreateEnvironmentCommand({
          name: 'x',
          templateName: 'nope',
          templateMajorVersion: '1',
          spec: SPEC,
        }),
      )
      .catch(e => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    const first = await create();
    // CreateEnvironment is idempotent: a repeat answers the environment created.
    expect((await create()).environment?.arn).toBe(first.environment?.arn);
  });

  it('updates in place or redeploys, refusing while a deployment is open', async () => {
    await create();
    const busy = await test.client
      .send(
        new UpdateEnvironmentCommand({
          name: 'dev',
          deploymentType: 'CURRENT_VERSION',
          spec: SPEC,
        }),
      )
      .catch(e => e);
    expect(busy).toBeInstanceOf(ConflictException);
    await test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: ENV_ARN,
        status: 'SUCCEEDED',
      }),
    );
    const renamed = await test.client.send(
      new UpdateEnvironmentCommand({
        name: 'dev',
        deploymentType: 'NONE',
        description: 'Development',
      }),
    );
    expect(renamed.environment).toMatchObject({
      description: 'Development',
      deploymentStatus: 'SUCCEEDED',
    });
    await publishEnvironmentVersion(test, 'v11.tar.gz', '1');
    const upgraded = await test.client.send(
      new UpdateEnvironmentCommand({
        name: 'dev',
        deploymentType: 'MINOR_VERSION',
      }),
    );
    expect(upgraded.environment).toMatchObject({
      templateMinorVersion: '1',
      deploymentStatus: 'IN_PROGRESS',
    });
    const deployment = await test.client.send(
      new GetDeploymentCommand({
        id: upgraded.environment!.lastAttemptedDeploymentId!,
      }),
    );
    expect(
      deployment.deployment?.initialState?.environment?.templateMinorVersion,
    ).toBe('0');
    expect(
      deployment.deployment?.targetState?.environment?.templateMinorVersion,
    ).toBe('1');
    const listed = await test.client.send(
      new ListDeploymentsCommand({ environmentName: 'dev' }),
    );
    expect(listed.deployments!.map(d => d.id)).toEqual([
      upgraded.environment!.lastAttemptedDeploymentId,
      renamed.environment!.lastAttemptedDeploymentId,
    ]);
  });

  it('cancels a deployment at once and refuses notifications it cannot place', async () => {
    const created = await create();
    const cancelled = await test.client.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'dev' }),
    );
    expect(cancelled.environment?.deploymentStatus).toBe('CANCELLED');
    const deployment = await test.client.send(
      new GetDeploymentCommand({
        id: created.environment!.lastAttemptedDeploymentId!,
      }),
    );
    expect(deployment.deployment?.deploymentStatus).toBe('CANCELLED');
    const nothingToCancel = await test.client
      .send(new CancelEnvironmentDeploymentCommand({ environmentName: 'dev' }))
      .catch(e => e);
    expect(nothingToCancel).toBeInstanceOf(ConflictException);
    const notify = (input: { resourceArn: string; deploymentId?: string }) =>
      test.client
        .send(
          new NotifyResourceDeploymentStatusChangeCommand({
            ...input,
            status: 'SUCCEEDED',
          }),
        )
        .catch(e => e);
    expect(
      await notify({
        resourceArn: 'arn:aws:proton:us-east-1:000000000000:environment/other',
      }),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await notify({
        resourceArn: ENV_ARN,
        deploymentId: '00000000-0000-4000-8000-000000000000',
      }),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await notify({
        resourceArn:
          'arn:aws:proton:us-east-1:000000000000:service-template/web',
      }),
    ).toBeInstanceOf(ValidationException);
    expect(
      await test.client
        .send(new GetDeploymentCommand({ id: 'nope' }))
        .catch(e => e),
    ).toBeInstanceOf(ValidationException);
    expect(
      await test.client
        .send(
          new GetDeploymentCommand({
            id: created.environment!.lastAttemptedDeploymentId!,
            environmentName: 'other',
          }),
        )
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists environments with a template filter, page by page', async () => {
    for (const name of ['c', 'a', 'b']) await create(name);
    const names: string[] = [];
    for await (const page of paginateListEnvironments(
      { client: test.client, pageSize: 2 },
      {
        environmentTemplates: [{ templateName: 'vpc', majorVersion: '1' }],
      },
    )) {
      names.push(...page.environments!.map(e => e.name!));
    }
    expect(names).toEqual(['a', 'b', 'c']);
    const none: string[] = [];
    for await (const page of paginateListEnvironments(
      { client: test.client },
      {
        environmentTemplates: [{ templateName: 'vpc', majorVersion: '2' }],
      },
    )) {
      none.push(...page.environments!.map(e => e.name!));
    }
    expect(none).toEqual([]);
  });

  it('deletes an environment and what belongs to it, protecting its template version', async () => {
    await create();
    const inUse = await test.client
      .send(
        new DeleteEnvironmentTemplateVersionCommand({
          templateName: 'vpc',
          majorVersion: '1',
          minorVersion: '0',
        }),
      )
      .catch(e => e);
    expect(inUse).toBeInstanceOf(ConflictException);
    await test.client.send(
      new NotifyResourceDeploymentStatusChangeCommand({
        resourceArn: ENV_ARN,
        status: 'SUCCEEDED',
      }),
    );
    const deleted = await test.client.send(
      new DeleteEnvironmentCommand({ name: 'dev' }),
    );
    expect(deleted.environment?.deploymentStatus).toBe('DELETE_COMPLETE');
    expect(
      await test.client
        .send(new GetEnvironmentCommand({ name: 'dev' }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await test.client
        .send(new ListTagsForResourceCommand({ resourceArn: ENV_ARN }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
  });
});
