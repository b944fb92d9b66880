import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CancelEnvironmentDeploymentCommand,
  CancelServiceInstanceDeploymentCommand,
  CreateServiceCommand,
  DeleteEnvironmentCommand,
  GetServiceInstanceCommand,
  ListEnvironmentOutputsCommand,
  ListServiceInstanceOutputsCommand,
  waitUntilEnvironmentDeployed,
  waitUntilServiceCreated,
  waitUntilServiceInstanceDeployed,
} from '@aws-sdk/client-proton';
import { rawRequest } from '../__testUtils__/rawRequest';
import {
  createEnvironment,
  NOTIFY_OUTPUTS,
  shellEnvironmentBundle,
  shellServiceBundle,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import {
  fastWaiter,
  publishEnvironmentVersion,
  publishServiceVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import type { TestServer } from '../__testUtils__/testServer';
import { TEST_CREDENTIALS } from '../__testUtils__/testServer';
import {
  createLocalRunner,
  LocalDeploymentRunner,
  LocalDeploymentRunnerOptions,
  RunnerStoppingError,
} from './localRunner';

const run = promisify(execFile);

// Real processes: bash, jq and the AWS CLI (about a second per call to start Python).
jest.setTimeout(30_000);

const ENVIRONMENT_STEPS = [
  'export GREETING=hello',
  'CIDR=$(jq -r .environment.inputs.vpc_cidr proton-inputs.json)',
  `jq -n --arg cidr "$CIDR" --arg greeting "$GREETING" --arg region "$AWS_DEFAULT_REGION" '[{key: "vpcCidr", valueString: $cidr}, {key: "greeting", valueString: $greeting}, {key: "region", valueString: $region}]' > outputs.json`,
  NOTIFY_OUTPUTS,
];

describe('the local runner', () => {
  let test: TestServer | undefined;
  let scratch: string;

  async function start(
    provision: string[],
    runner: Partial<LocalDeploymentRunnerOptions> = {},
    deprovision?: string[],
  ): Promise<TestServer> {
    test = await startTemplateTestServer({
      deploymentRunner: createLocalRunner({
        environment: { SCRATCH: scratch },
        ...runner,
      }),
    });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      shellEnvironmentBundle(provision, deprovision),
    );
    return test;
  }

  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'local-run-'));
  });
  afterEach(async () => {
    await test?.stop();
    test = undefined;
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  it('runs the steps in one shell session and records the notified outputs, then deprovisions', async () => {
    const server = await start(ENVIRONMENT_STEPS);
    const created = await createEnvironment(server, 'dev');
    await waitUntilEnvironmentDeployed(fastWaiter(server), { name: 'dev' });
    const outputs = await server.client.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
    );
    expect(outputs.outputs).toEqual([
      { key: 'greeting', valueString: 'hello' },
      { key: 'region', valueString: 'us-east-1' },
      { key: 'vpcCidr', valueString: '10.1.0.0/16' },
    ]);

    // The log, over the signed extension route.
    const logPath = `/deployments/${created.lastAttemptedDeploymentId}/log`;
    const log = await rawRequest(server.endpoint, {
      method: 'GET',
      path: logPath,
      body: '',
    });
    expect(log.status).toBe(200);
    expect(log.headers['content-type']).toMatch(/^text\/plain/);
    expect(log.text).toContain('[Container] Running command (step 4/4)');
    const unsigned = await rawRequest(server.endpoint, {
      method: 'GET',
      path: logPath,
      body: '',
      sign: false,
    });
    expect(unsigned.status).toBe(403);
    // curl signs it too, as the README shows.
    const curl = await run('curl', [
      '-sf',
      '--aws-sigv4',
      'aws:amz:us-east-1:proton',
      '--user',
      `${TEST_CREDENTIALS.accessKeyId}:${TEST_CREDENTIALS.secretAccessKey}`,
      `${server.endpoint}${logPath}`,
    ]);
    expect(curl.stdout).toBe(log.text);

    const deleting = await server.client.send(
      new DeleteEnvironmentCommand({ name: 'dev' }),
    );
    expect(deleting.environment?.deploymentStatus).toBe('DELETE_IN_PROGRESS');
    const deprovisionLog = await waitForLog(
      server,
      deleting.environment!.lastAttemptedDeploymentId!,
    );
    expect(deprovisionLog).toContain(
      'deprovisioning arn:aws:proton:us-east-1:000000000000:environment/dev',
    );
  });

  it('gives service instances proton-inputs.json in Proton’s format', async () => {
    const server = await start(ENVIRONMENT_STEPS);
    await createEnvironment(server, 'dev');
    await waitUntilEnvironmentDeployed(fastWaiter(server), { name: 'dev' });
    await publishServiceVersion(
      server,
      shellServiceBundle([
        `jq -c '[{key: "inputs", valueString: (. | tojson)}, {key: "url", valueString: "http://\\(.service_instance.name):\\(.service_instance.inputs.port)"}]' proton-inputs.json > outputs.json`,
        NOTIFY_OUTPUTS,
      ]),
    );
    await server.client.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'web',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances:\n  - name: api-dev\n    environment: dev\n    spec:\n      port: 8080\n',
      }),
    );
    await waitUntilServiceCreated(fastWaiter(server), { name: 'api' });
    await waitUntilServiceInstanceDeployed(fastWaiter(server), {
      serviceName: 'api',
      name: 'api-dev',
    });
    const { outputs } = await server.client.send(
      new ListServiceInstanceOutputsCommand({
        serviceName: 'api',
        serviceInstanceName: 'api-dev',
      }),
    );
    const byKey = Object.fromEntries(
      outputs!.map(output => [output.key, output.valueString]),
    );
    expect(byKey.url).toBe('http://api-dev:8080');
    expect(JSON.parse(byKey.inputs!)).toEqual({
      service: { name: 'api' },
      service_instance: { name: 'api-dev', inputs: { port: 8080 } },
      environment: {
        account_id: '000000000000',
        name: 'dev',
        outputs: {
          greeting: 'hello',
          region: 'us-east-1',
          vpcCidr: '10.1.0.0/16',
        },
      },
    });
  });

  it('fails on the first failing step with the tail of its output', async () => {
    const server = await start([
      'echo preparing',
      'echo "something went wrong" >&2; exit 3',
      'echo never',
    ]);
    await createEnvironment(server, 'dev');
    const failed = await waitForEnvironmentStatus(server, 'dev', ['FAILED']);
    // the step, its command and the tool's own line; the rest is in the log
    expect(failed.deploymentStatusMessage).toBe(
      'Step 2 of 3 (echo "something went wrong" >&2; exit 3) failed with exit status 3: something went wrong. ' +
        "The deployment's log has its full output.",
    );
  });

  it('fails a deployment that runs past its timeout', async () => {
    const server = await start(['echo started', 'sleep 30'], {
      timeoutMs: 1000,
    });
    await createEnvironment(server, 'dev');
    const failed = await waitForEnvironmentStatus(server, 'dev', ['FAILED']);
    expect(failed.deploymentStatusMessage).toBe(
      "The deployment timed out after 1 s in step 2 of 2 (sleep 30). The deployment's log has its full output.",
    );
  });

  it('cancels by killing the process group', async () => {
    const server = await start([
      'sleep 30 & echo $! > "$SCRATCH/sleep.pid"; wait',
    ]);
    await createEnvironment(server, 'dev');
    const pidFile = path.join(scratch, 'sleep.pid');
    await waitFor(() => fs.existsSync(pidFile));
    const cancelling = await server.client.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'dev' }),
    );
    expect(cancelling.environment?.deploymentStatus).toBe('CANCELLING');
    await waitForEnvironmentStatus(server, 'dev', ['CANCELLED']);
    const pid = Number(await fs.promises.readFile(pidFile, 'utf8'));
    await waitFor(() => !isAlive(pid));
  });

  it('cancels service instance deployments', async () => {
    const server = await start(ENVIRONMENT_STEPS);
    await createEnvironment(server, 'dev');
    await waitUntilEnvironmentDeployed(fastWaiter(server), { name: 'dev' });
    await publishServiceVersion(
      server,
      shellServiceBundle(['touch "$SCRATCH/started"; sleep 30']),
    );
    await server.client.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'web',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances:\n  - name: api-dev\n    environment: dev\n    spec: {}\n',
      }),
    );
    await waitFor(() => fs.existsSync(path.join(scratch, 'started')));
    const cancelling = await server.client.send(
      new CancelServiceInstanceDeploymentCommand({
        serviceName: 'api',
        serviceInstanceName: 'api-dev',
      }),
    );
    expect(cancelling.serviceInstance?.deploymentStatus).toBe('CANCELLING');
    let status: string | undefined;
    await waitFor(async () => {
      const { serviceInstance } = await server.client.send(
        new GetServiceInstanceCommand({ serviceName: 'api', name: 'api-dev' }),
      );
      status = serviceInstance?.deploymentStatus;
      return status !== 'CANCELLING';
    });
    expect(status).toBe('CANCELLED');
  });

  it('stops a resource plan at shutdown as unavailable, not failed, whether it was running or being prepared', async () => {
    const template = path.join(scratch, 'template');
    fs.mkdirSync(path.join(template, 'instance_infrastructure'), {
      recursive: true,
    });
    const runner = (commands: string[]) =>
      new LocalDeploymentRunner({
        endpoint: () => 'http://127.0.0.1:9',
        workDirectory: path.join(scratch, 'work'),
        environment: { SCRATCH: scratch },
        planner: async () => ({ commands, resources: async () => [] }),
      });
    const job = {
      resourceArn:
        'arn:aws:proton:us-east-1:000000000000:service/api/service-instance/dev',
      targetResourceType: 'SERVICE_INSTANCE' as const,
      templateDirectory: template,
      infrastructureFolder: 'instance_infrastructure',
      protonInputs: {},
      region: 'us-east-1',
      accountId: '000000000000',
    };

    // running: its step is killed (it would sleep past the test's timeout)
    const running = runner(['touch "$SCRATCH/planning"', 'sleep 120']);
    const planned = running.planResources(job);
    await waitFor(() => fs.existsSync(path.join(scratch, 'planning')));
    await running.stop();
    await expect(planned).rejects.toBeInstanceOf(RunnerStoppingError);

    // being prepared: nothing is spawned
    const preparing = runner(['touch "$SCRATCH/spawned"']);
    const early = preparing.planResources(job);
    await preparing.stop();
    await expect(early).rejects.toBeInstanceOf(RunnerStoppingError);
    expect(fs.existsSync(path.join(scratch, 'spawned'))).toBe(false);
    // and after it stopped
    await expect(preparing.planResources(job)).rejects.toThrow(
      'The control plane is stopping; preview again once it is back',
    );
  });

  it('runs at most `concurrency` deployments at once', async () => {
    const server = await start(
      [
        'mkdir "$SCRATCH/lock"',
        'sleep 0.3',
        'rmdir "$SCRATCH/lock"',
        "echo '[]' > outputs.json",
        NOTIFY_OUTPUTS,
      ],
      { concurrency: 1 },
    );
    await Promise.all(
      ['one', 'two', 'three'].map(name => createEnvironment(server, name)),
    );
    for (const name of ['one', 'two', 'three']) {
      const environment = await waitForEnvironmentStatus(server, name, [
        'SUCCEEDED',
        'FAILED',
      ]);
      expect(environment.deploymentStatusMessage).toBeUndefined();
      expect(environment.deploymentStatus).toBe('SUCCEEDED');
    }
  });

  it('fails with a clear message when the manifest is not a CodeBuild one', async () => {
    test = await startTemplateTestServer({
      deploymentRunner: createLocalRunner(),
    });
    await publishEnvironmentVersion(test, 'vpc.tar.gz', undefined, {
      ...shellEnvironmentBundle([]),
      'infrastructure/manifest.yaml':
        'infrastructure:\n  templates:\n    - file: main.tf\n      rendering_engine: hcl\n      template_language: terraform\n',
    });
    await createEnvironment(test, 'dev');
    const failed = await waitForEnvironmentStatus(test, 'dev', ['FAILED']);
    expect(failed.deploymentStatusMessage).toContain(
      'rendering_engine: codebuild (found hcl)',
    );
  });

  it('reports service instance failures on the instance', async () => {
    const server = await start(ENVIRONMENT_STEPS);
    await createEnvironment(server, 'dev');
    await waitUntilEnvironmentDeployed(fastWaiter(server), { name: 'dev' });
    await publishServiceVersion(server, shellServiceBundle(['false']));
    await server.client.send(
      new CreateServiceCommand({
        name: 'api',
        templateName: 'web',
        templateMajorVersion: '1',
        spec: 'proton: ServiceSpec\ninstances:\n  - name: api-dev\n    environment: dev\n    spec: {}\n',
      }),
    );
    let message: string | undefined;
    await waitFor(async () => {
      const { serviceInstance } = await server.client.send(
        new GetServiceInstanceCommand({ serviceName: 'api', name: 'api-dev' }),
      );
      message = serviceInstance?.deploymentStatusMessage;
      return serviceInstance?.deploymentStatus === 'FAILED';
    });
    expect(message).toBe(
      "Step 1 of 1 (false) failed with exit status 1. The deployment's log has its full output.",
    );
  });
});

/** Whether a process runs; a zombie (killed, not yet reaped by init) does not. */
function isAlive(pid: number): boolean {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function waitForLog(server: TestServer, id: string): Promise<string> {
  let text = '';
  await waitFor(async () => {
    const response = await rawRequest(server.endpoint, {
      method: 'GET',
      path: `/deployments/${id}/log`,
      body: '',
    });
    text = response.text;
    return response.status === 200 && text.includes('deprovisioning');
  });
  return text;
}
