import fs from 'node:fs';
import path from 'node:path';
import {
  CancelEnvironmentDeploymentCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  GetServiceCommand,
  CreateEnvironmentCommand,
  DeleteEnvironmentCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-proton';
import { RecordingRunner } from '../__testUtils__/recordingRunner';
import { serviceBundleFiles } from '../__testUtils__/templateBundles';
import {
  publishEnvironmentVersion,
  publishServiceVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';

const ENV_ARN = 'arn:aws:proton:us-east-1:000000000000:environment/dev';
const SPEC = 'proton: EnvironmentSpec\nspec:\n  vpc_cidr: 10.1.0.0/16\n';

describe('deployments with a runner', () => {
  let test: TestServer;
  let runner: RecordingRunner;
  beforeEach(async () => {
    runner = new RecordingRunner();
    test = await startTemplateTestServer({ deploymentRunner: runner });
    await publishEnvironmentVersion(test);
  });
  afterEach(async () => {
    await test.stop();
  });

  /** Creates the environment dev and waits until its deployment is with the runner. */
  async function createDev() {
    const created = await test.client.send(
      new CreateEnvironmentCommand({
        name: 'dev',
        templateName: 'vpc',
        templateMajorVersion: '1',
        spec: SPEC,
      }),
    );
    await test.server.settled();
    return created;
  }

  it('hands the runner the template files and proton-inputs, and records its outcome', async () => {
    const created = await test.client.send(
      new CreateEnvironmentCommand({
        name: 'dev',
        templateName: 'vpc',
        templateMajorVersion: '1',
        spec: 'proton: EnvironmentSpec\nspec: {}\n',
      }),
    );
    await test.server.settled();
    const { job, reporter } = runner.last();
    expect(job).toMatchObject({
      deploymentId: created.environment!.lastAttemptedDeploymentId,
      action: 'provision',
      resourceArn: ENV_ARN,
      targetResourceType: 'ENVIRONMENT',
      infrastructureFolder: 'infrastructure',
      protonInputs: {
        environment: { name: 'dev', inputs: { vpc_cidr: '10.0.0.0/16' } },
      },
      region: 'us-east-1',
      accountId: '000000000000',
    });
    expect(
      fs.existsSync(
        path.join(job.templateDirectory, 'infrastructure', 'manifest.yaml'),
      ),
    ).toBe(true);
    await reporter.failed('step 2 failed: exit status 1');
    const failed = (
      await test.client.send(new GetEnvironmentCommand({ name: 'dev' }))
    ).environment!;
    expect(failed).toMatchObject({
      deploymentStatus: 'FAILED',
      deploymentStatusMessage: 'step 2 failed: exit status 1',
    });
    // A late report of an ended deployment changes nothing.
    await reporter.succeeded([]);
    expect(
      (await test.client.send(new GetEnvironmentCommand({ name: 'dev' })))
        .environment?.deploymentStatus,
    ).toBe('FAILED');
  });

  it('cancels through the runner', async () => {
    const created = await test.client.send(
      new CreateEnvironmentCommand({
        name: 'dev',
        templateName: 'vpc',
        templateMajorVersion: '1',
        spec: SPEC,
      }),
    );
    const cancelling = await test.client.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'dev' }),
    );
    expect(cancelling.environment?.deploymentStatus).toBe('CANCELLING');
    await test.server.settled();
    expect(runner.cancelled).toEqual([
      created.environment!.lastAttemptedDeploymentId,
    ]);
    await runner.last().reporter.cancelled();
    const environment = (
      await test.client.send(new GetEnvironmentCommand({ name: 'dev' }))
    ).environment!;
    expect(environment.deploymentStatus).toBe('CANCELLED');
  });

  it('fails a success whose outputs AWS Proton would refuse, naming them', async () => {
    await createDev();
    await runner.last().reporter.succeeded([
      { key: 'vpcId', valueString: 'vpc-1' },
      { key: 'listenerArn', valueString: '' },
      { key: 'policy', valueString: 'x'.repeat(1025) },
    ]);
    const environment = (
      await test.client.send(new GetEnvironmentCommand({ name: 'dev' }))
    ).environment!;
    expect(environment.deploymentStatus).toBe('FAILED');
    expect(environment.deploymentStatusMessage).toBe(
      'The deployment reported outputs AWS Proton refuses (a value is 1 to 1,024 characters): ' +
        'listenerArn has 0, policy has 1025; leave an absent output out instead of reporting it empty',
    );
  });

  it('deprovisions before deleting', async () => {
    await createDev();
    await runner
      .last()
      .reporter.succeeded([{ key: 'vpcId', valueString: 'vpc-1' }]);
    const deleting = await test.client.send(
      new DeleteEnvironmentCommand({ name: 'dev' }),
    );
    expect(deleting.environment?.deploymentStatus).toBe('DELETE_IN_PROGRESS');
    await test.server.settled();
    const { job, reporter } = runner.last();
    expect(job.action).toBe('deprovision');
    expect(job.protonInputs).toEqual({
      environment: { name: 'dev', inputs: { vpc_cidr: '10.1.0.0/16' } },
    });
    await reporter.succeeded([]);
    expect(
      await test.client
        .send(new GetEnvironmentCommand({ name: 'dev' }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
    const deployment = await test.client.send(
      new GetDeploymentCommand({ id: job.deploymentId }),
    );
    expect(deployment.deployment?.deploymentStatus).toBe('DELETE_COMPLETE');
  });

  it('deploys service instances with the environment outputs, and deletes services through deprovisioning', async () => {
    await createDev();
    await runner
      .last()
      .reporter.succeeded([{ key: 'vpcId', valueString: 'vpc-7' }]);
    await publishServiceVersion(test, serviceBundleFiles());
    await test.client.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'web',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances:\n  - name: api-dev\n    environment: dev\n    spec: {}\n',
      }),
    );
    await test.server.settled();
    const { job, reporter } = runner.last();
    expect(job).toMatchObject({
      action: 'provision',
      resourceArn:
        'arn:aws:proton:us-east-1:000000000000:service/api/service-instance/api-dev',
      targetResourceType: 'SERVICE_INSTANCE',
      infrastructureFolder: 'instance_infrastructure',
      protonInputs: {
        service: { name: 'api' },
        service_instance: { name: 'api-dev', inputs: { port: 80 } },
        environment: {
          account_id: '000000000000',
          name: 'dev',
          outputs: { vpcId: 'vpc-7' },
        },
      },
    });
    expect(
      fs.existsSync(
        path.join(
          job.templateDirectory,
          'instance_infrastructure',
          'manifest.yaml',
        ),
      ),
    ).toBe(true);
    await reporter.succeeded([{ key: 'url', valueString: 'https://api' }]);
    expect(
      (await test.client.send(new GetServiceCommand({ name: 'api' }))).service
        ?.status,
    ).toBe('ACTIVE');
    const deleting = await test.client.send(
      new DeleteServiceCommand({ name: 'api' }),
    );
    expect(deleting.service?.status).toBe('DELETE_IN_PROGRESS');
    await test.server.settled();
    const deprovision = runner.last();
    expect(deprovision.job.action).toBe('deprovision');
    expect(deprovision.job.protonInputs).toMatchObject({
      service_instance: { inputs: { port: 80 } },
    });
    expect(
      (await test.client.send(new GetServiceCommand({ name: 'api' }))).service
        ?.status,
    ).toBe('DELETE_IN_PROGRESS');
    await deprovision.reporter.succeeded([]);
    expect(
      await test.client
        .send(new GetServiceCommand({ name: 'api' }))
        .catch(e => e),
    ).toBeInstanceOf(ResourceNotFoundException);
  });
});
