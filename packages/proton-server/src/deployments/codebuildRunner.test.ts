import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  BatchGetBuildsCommand,
  Build,
  CodeBuildClient,
  ListBuildsForProjectCommand,
  StartBuildCommand,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DeleteParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  CancelEnvironmentDeploymentCommand,
  ListEnvironmentOutputsCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { ConfigReader } from '@backstage/config';
import { mockClient } from 'aws-sdk-client-mock';
import knexFactory from 'knex';
import { parse } from 'yaml';
import {
  createEnvironment,
  shellEnvironmentBundle,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import {
  publishEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import {
  startTestServer,
  TEST_CREDENTIALS,
  TestServer,
} from '../__testUtils__/testServer';
import { readProtonServerConfig } from '../protonServerConfig';
import {
  CodeBuildRunnerOptions,
  createCodeBuildRunner,
} from './codebuildRunner';

// each test starts a control plane and registers a template: more than jest's 5 s on a loaded 2-core machine
jest.setTimeout(60_000);

const run = promisify(execFile);
const codeBuild = mockClient(CodeBuildClient);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);

/**
 * A client signed with the credentials a build gets: the access key id from its variables, the
 * secret and session token from the Parameter Store parameters the runner put.
 */
function buildClient(endpoint: string): ProtonClient {
  const variables = Object.fromEntries(
    codeBuild
      .commandCalls(StartBuildCommand)
      .at(-1)!
      .args[0].input.environmentVariablesOverride!.map(v => [v.name, v.value]),
  );
  const parameters = Object.fromEntries(
    ssm
      .commandCalls(PutParameterCommand)
      .map(call => [call.args[0].input.Name, call.args[0].input.Value]),
  );
  return new ProtonClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    credentials: {
      accessKeyId: variables.PROTON_CALLBACK_ACCESS_KEY_ID!,
      secretAccessKey:
        parameters[variables.PROTON_CALLBACK_SECRET_ACCESS_KEY!]!,
      sessionToken: parameters[variables.PROTON_CALLBACK_SESSION_TOKEN!]!,
    },
  });
}

const STEPS = ['export GREETING=hello', './provision.sh'];
const BUILD_ID = 'proton-deploy:0b9c2c6e-1111-2222-3333-444455556666';
const DEEP_LINK =
  'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/proton-deploy;stream=0b9c';

function build(status: string, extra: Partial<Build> = {}): Build {
  return {
    id: BUILD_ID,
    buildStatus: status as Build['buildStatus'],
    logs: {
      groupName: '/aws/codebuild/proton-deploy',
      streamName: '0b9c',
      deepLink: DEEP_LINK,
    },
    ...extra,
  };
}

describe('the codebuild runner', () => {
  let test: TestServer | undefined;

  async function start(
    options: Partial<CodeBuildRunnerOptions> = {},
    runner = createCodeBuildRunner({
      projectName: 'proton-deploy',
      sourceBucket: 'proton-sources',
      sourcePrefix: 'builds/',
      callbackEndpoint: 'https://proton.example.com',
      region: 'eu-west-1',
      pollIntervalMs: { initial: 20, max: 50 },
      ...options,
    }),
  ): Promise<TestServer> {
    test = await startTemplateTestServer({ deploymentRunner: runner });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      shellEnvironmentBundle(STEPS),
    );
    return test;
  }

  beforeEach(() => {
    codeBuild.reset();
    s3.reset();
    ssm.reset();
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    ssm.on(DeleteParametersCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    codeBuild.on(StartBuildCommand).resolves({ build: build('IN_PROGRESS') });
    codeBuild.on(StopBuildCommand).resolves({ build: build('IN_PROGRESS') });
  });
  afterEach(async () => {
    await test?.stop();
    test = undefined;
  });

  it('uploads the source, starts the build and succeeds with the outputs the build notified', async () => {
    const server = await start();
    let polls = 0;
    codeBuild.on(BatchGetBuildsCommand).callsFake(async () => {
      polls += 1;
      if (polls === 1) {
        // What the build's `aws proton notify-resource-deployment-status-change` does, with the
        // deployment's own credentials.
        await buildClient(server.endpoint).send(
          new NotifyResourceDeploymentStatusChangeCommand({
            resourceArn:
              'arn:aws:proton:us-east-1:000000000000:environment/dev',
            status: 'IN_PROGRESS',
            outputs: [{ key: 'vpcId', valueString: 'vpc-123' }],
          }),
        );
        return { builds: [build('IN_PROGRESS')] };
      }
      return { builds: [build('SUCCEEDED')] };
    });
    const created = await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'SUCCEEDED',
      'FAILED',
    ]);
    expect(environment.deploymentStatusMessage).toBeUndefined();
    expect(environment.deploymentStatus).toBe('SUCCEEDED');
    const outputs = await server.client.send(
      new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
    );
    expect(outputs.outputs).toEqual([{ key: 'vpcId', valueString: 'vpc-123' }]);

    const deploymentId = created.lastAttemptedDeploymentId!;
    const key = `builds/${deploymentId}/source.zip`;
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input).toMatchObject({
      Bucket: 'proton-sources',
      Key: key,
      ContentType: 'application/zip',
    });
    const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cb-'));
    try {
      const zip = path.join(scratch, 'source.zip');
      await fs.promises.writeFile(zip, puts[0].args[0].input.Body as Buffer);
      await run('unzip', ['-q', zip, '-d', path.join(scratch, 'src')]);
      expect(
        (await fs.promises.readdir(path.join(scratch, 'src'))).sort(),
      ).toEqual(['manifest.yaml', 'proton-inputs.json']);
      const inputs = JSON.parse(
        await fs.promises.readFile(
          path.join(scratch, 'src', 'proton-inputs.json'),
          'utf8',
        ),
      );
      expect(inputs.environment.name).toBe('dev');
      expect(inputs.environment.inputs.vpc_cidr).toBe('10.1.0.0/16');
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
    }

    const starts = codeBuild.commandCalls(StartBuildCommand);
    expect(starts).toHaveLength(1);
    const input = starts[0].args[0].input;
    expect(input).toMatchObject({
      projectName: 'proton-deploy',
      sourceTypeOverride: 'S3',
      sourceLocationOverride: `proton-sources/${key}`,
      imageOverride: 'aws/codebuild/amazonlinux2-x86_64-standard:4.0',
      timeoutInMinutesOverride: 60,
    });
    expect(
      parse(input.buildspecOverride!).phases.build.commands.slice(1),
    ).toEqual(STEPS);
    const variables = Object.fromEntries(
      input.environmentVariablesOverride!.map(v => [v.name, v.value]),
    );
    expect(variables).toMatchObject({
      RESOURCE_ARN: 'arn:aws:proton:us-east-1:000000000000:environment/dev',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_PROTON: 'https://proton.example.com',
      PROTON_DEPLOYMENT_ID: deploymentId,
      PROTON_CALLBACK_ACCESS_KEY_ID: expect.stringMatching(/^PSDK/),
      PROTON_CALLBACK_SECRET_ACCESS_KEY: `/proton-server/deployments/${deploymentId}/secret-access-key`,
      PROTON_CALLBACK_SESSION_TOKEN: `/proton-server/deployments/${deploymentId}/session-token`,
    });
    // Secrets only through Parameter Store; never the control plane's own key.
    expect(
      input.environmentVariablesOverride!.filter(v => v.type !== 'PLAINTEXT'),
    ).toHaveLength(2);
    expect(JSON.stringify(input)).not.toContain(
      TEST_CREDENTIALS.secretAccessKey,
    );
    expect(
      ssm.commandCalls(PutParameterCommand).map(call => call.args[0].input),
    ).toEqual([
      expect.objectContaining({
        Name: `/proton-server/deployments/${deploymentId}/secret-access-key`,
        Type: 'SecureString',
      }),
      expect.objectContaining({
        Name: `/proton-server/deployments/${deploymentId}/session-token`,
        Type: 'SecureString',
      }),
    ]);
    // Deleted once the deployment ended.
    expect(
      ssm.commandCalls(DeleteParametersCommand)[0].args[0].input.Names,
    ).toEqual([
      `/proton-server/deployments/${deploymentId}/secret-access-key`,
      `/proton-server/deployments/${deploymentId}/session-token`,
    ]);
    // The build's role deploys: no credentials of the control plane are the build's.
    expect(variables.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(await server.server.deploymentLog(deploymentId)).toContain(
      `The build's output is in CloudWatch Logs: ${DEEP_LINK} (the runner has no CloudWatch Logs reader`,
    );
  });

  it('fails with the failing phase’s message and keeps the log it read', async () => {
    const server = await start({
      readBuildLog: async location =>
        `[Container] Running command ./provision.sh\nno credentials for ${location.groupName}\n`,
    });
    codeBuild.on(BatchGetBuildsCommand).resolves({
      builds: [
        build('FAILED', {
          phases: [
            { phaseType: 'INSTALL', phaseStatus: 'SUCCEEDED' },
            {
              phaseType: 'BUILD',
              phaseStatus: 'FAILED',
              contexts: [
                {
                  statusCode: 'COMMAND_EXECUTION_ERROR',
                  message:
                    'Error while executing command: ./provision.sh. Reason: exit status 3',
                },
              ],
            },
          ],
        }),
      ],
    });
    const created = await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'SUCCEEDED',
      'FAILED',
    ]);
    expect(environment.deploymentStatus).toBe('FAILED');
    expect(environment.deploymentStatusMessage).toBe(
      `The CodeBuild build ${BUILD_ID} ended FAILED in phase BUILD (step 2/2): ` +
        'Error while executing command: ./provision.sh. Reason: exit status 3; ' +
        "the build said: no credentials for /aws/codebuild/proton-deploy. The deployment's log has its full output",
    );
    expect(
      await server.server.deploymentLog(created.lastAttemptedDeploymentId!),
    ).toContain('no credentials for /aws/codebuild/proton-deploy');
  });

  it('stops the build when the deployment is cancelled', async () => {
    const server = await start();
    let stopped = false;
    codeBuild.on(StopBuildCommand).callsFake(async () => {
      stopped = true;
      return { build: build('STOPPED') };
    });
    codeBuild.on(BatchGetBuildsCommand).callsFake(async () => ({
      builds: [build(stopped ? 'STOPPED' : 'IN_PROGRESS')],
    }));
    await createEnvironment(server, 'dev');
    while (codeBuild.commandCalls(BatchGetBuildsCommand).length === 0) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    await server.client.send(
      new CancelEnvironmentDeploymentCommand({ environmentName: 'dev' }),
    );
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'CANCELLED',
      'FAILED',
      'SUCCEEDED',
    ]);
    expect(environment.deploymentStatus).toBe('CANCELLED');
    const stops = codeBuild.commandCalls(StopBuildCommand);
    expect(stops).toHaveLength(1);
    expect(stops[0].args[0].input).toEqual({ id: BUILD_ID });
  });

  it('stops a build that runs longer than the timeout and says so', async () => {
    const server = await start({ timeoutMs: 150 });
    let stopped = false;
    codeBuild.on(StopBuildCommand).callsFake(async () => {
      stopped = true;
      return {};
    });
    codeBuild.on(BatchGetBuildsCommand).callsFake(async () => ({
      builds: [build(stopped ? 'STOPPED' : 'IN_PROGRESS')],
    }));
    await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'CANCELLED',
      'FAILED',
      'SUCCEEDED',
    ]);
    expect(environment.deploymentStatus).toBe('FAILED');
    expect(environment.deploymentStatusMessage).toMatch(
      /^The deployment timed out after 0 s: The CodeBuild build .* ended STOPPED/,
    );
    expect(
      codeBuild.commandCalls(StartBuildCommand)[0].args[0].input,
    ).toMatchObject({ timeoutInMinutesOverride: 5 });
  });

  it('fails clearly when CodeBuild refuses StartBuild', async () => {
    const server = await start();
    codeBuild
      .on(StartBuildCommand)
      .rejects(
        Object.assign(
          new Error(
            'User: arn:aws:iam::123456789012:user/proton is not authorized to perform: codebuild:StartBuild',
          ),
          { name: 'AccessDeniedException' },
        ),
      );
    await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'FAILED',
      'SUCCEEDED',
    ]);
    expect(environment.deploymentStatus).toBe('FAILED');
    expect(environment.deploymentStatusMessage).toBe(
      'CodeBuild could not start a build of project proton-deploy: AccessDeniedException: ' +
        'User: arn:aws:iam::123456789012:user/proton is not authorized to perform: codebuild:StartBuild',
    );
    expect(codeBuild.commandCalls(BatchGetBuildsCommand)).toHaveLength(0);
  });

  it('starts no build without a callback endpoint, and says why', async () => {
    const server = await start({ callbackEndpoint: undefined });
    await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'FAILED',
      'SUCCEEDED',
    ]);
    expect(environment.deploymentStatus).toBe('FAILED');
    expect(environment.deploymentStatusMessage).toContain(
      'The codebuild runner has no callback endpoint',
    );
    expect(environment.deploymentStatusMessage).toContain(
      'protonServer.codebuild.callbackEndpoint',
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(codeBuild.commandCalls(StartBuildCommand)).toHaveLength(0);
  });

  it("says the tool's own error in one line, leaving stack traces, CodeBuild's lines and paths to the log", async () => {
    const server = await start({
      readBuildLog: async () =>
        [
          '[Container] 2026/12/03 10:00:00.123456 Running command bash provision.sh',
          'Updating (dev.000000000000.us-east-1):',
          'error: Running program failed with an unhandled exception:',
          'Error: Input vpcCidrBlock ("10.0.0.1/16") has host bits set; did you mean 10.0.0.0/16?',
          '    at readEnvironmentInputs (/codebuild/output/src1234/src/infrastructure/inputs.ts:60:5)',
          '    at Object.<anonymous> (/tmp/proton-work/infrastructure/index.ts:8:16)',
          '[Container] 2026/12/03 10:00:09.654321 Command did not exit successfully bash provision.sh exit status 1',
          '[Container] 2026/12/03 10:00:09.700000 Phase complete: BUILD State: FAILED',
          '[Container] 2026/12/03 10:00:09.700001 Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: bash provision.sh. Reason: exit status 1',
          '',
        ].join('\n'),
    });
    codeBuild.on(BatchGetBuildsCommand).resolves({
      builds: [build('FAILED')],
    });
    const created = await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'SUCCEEDED',
      'FAILED',
    ]);
    expect(environment.deploymentStatusMessage).toBe(
      `The CodeBuild build ${BUILD_ID} ended FAILED; the build said: ` +
        'Error: Input vpcCidrBlock ("10.0.0.1/16") has host bits set; did you mean 10.0.0.0/16? ' +
        "The deployment's log has its full output",
    );
    // all of it is in the log
    expect(
      await server.server.deploymentLog(created.lastAttemptedDeploymentId!),
    ).toContain('at readEnvironmentInputs (/codebuild/output/src1234');
  });

  it('keeps the deployment secrets out of the stored log and message', async () => {
    let secret = '';
    const server = await start({
      // A build that prints its environment.
      readBuildLog: async () => `PROTON_CALLBACK_SECRET_ACCESS_KEY=${secret}\n`,
    });
    codeBuild.on(BatchGetBuildsCommand).callsFake(async () => {
      secret = ssm.commandCalls(PutParameterCommand)[0].args[0].input.Value!;
      return { builds: [build('FAILED')] };
    });
    const created = await createEnvironment(server, 'dev');
    const environment = await waitForEnvironmentStatus(server, 'dev', [
      'FAILED',
      'SUCCEEDED',
    ]);
    expect(secret.length).toBeGreaterThan(20);
    const log = await server.server.deploymentLog(
      created.lastAttemptedDeploymentId!,
    );
    expect(log).toContain('PROTON_CALLBACK_SECRET_ACCESS_KEY=[redacted]');
    expect(log).not.toContain(secret);
    expect(environment.deploymentStatusMessage).toContain('[redacted]');
    expect(environment.deploymentStatusMessage).not.toContain(secret);
  });

  it.each([
    ['recorded', true],
    ['not recorded (the server stopped right after StartBuild)', false],
  ])(
    'follows the build an earlier attempt started when its id was %s, instead of starting another',
    async (_, recorded) => {
      const data = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cb-'));
      const runner = () =>
        createCodeBuildRunner({
          projectName: 'proton-deploy',
          sourceBucket: 'proton-sources',
          callbackEndpoint: 'https://proton.example.com',
          pollIntervalMs: { initial: 20, max: 50 },
        });
      let finished = false;
      codeBuild.on(BatchGetBuildsCommand).callsFake(async () => ({
        builds: [
          build(finished ? 'SUCCEEDED' : 'IN_PROGRESS', {
            environment: {
              type: 'LINUX_CONTAINER',
              image: 'x',
              computeType: 'BUILD_GENERAL1_SMALL',
              environmentVariables:
                codeBuild.commandCalls(StartBuildCommand)[0]?.args[0].input
                  .environmentVariablesOverride,
            },
          }),
        ],
      }));
      codeBuild
        .on(ListBuildsForProjectCommand)
        .resolves({ ids: ['proton-deploy:other', BUILD_ID] });
      try {
        test = await startTemplateTestServer({
          deploymentRunner: runner(),
          database: { client: 'sqlite', directory: data },
        });
        await publishEnvironmentVersion(
          test,
          'vpc.tar.gz',
          undefined,
          shellEnvironmentBundle(STEPS),
        );
        const created = await createEnvironment(test, 'dev');
        while (codeBuild.commandCalls(BatchGetBuildsCommand).length === 0) {
          await new Promise(resolve => setTimeout(resolve, 10));
        }
        // The control plane stops (also a crash): the build goes on.
        await test.stop();
        test = undefined;
        expect(codeBuild.commandCalls(StopBuildCommand)).toHaveLength(0);
        const knex = knexFactory({
          client: 'better-sqlite3',
          connection: { filename: path.join(data, 'proton-server.sqlite') },
          useNullAsDefault: true,
        });
        const [row] = await knex('deployments').select('runner_state');
        expect(JSON.parse(row.runner_state)).toEqual({ buildId: BUILD_ID });
        if (!recorded) await knex('deployments').update({ runner_state: null });
        await knex.destroy();

        finished = true;
        test = await startTestServer({
          deploymentRunner: runner(),
          database: { client: 'sqlite', directory: data },
        });
        const environment = await waitForEnvironmentStatus(test, 'dev', [
          'SUCCEEDED',
          'FAILED',
        ]);
        expect(environment.deploymentStatus).toBe('SUCCEEDED');
        expect(codeBuild.commandCalls(StartBuildCommand)).toHaveLength(1);
        expect(
          await test.server.deploymentLog(created.lastAttemptedDeploymentId!),
        ).toContain(
          `Following build ${BUILD_ID}, started by an earlier attempt`,
        );
      } finally {
        await test?.stop();
        test = undefined;
        await fs.promises.rm(data, { recursive: true, force: true });
      }
    },
  );

  it('runs at most `concurrency` builds at once, and is configured from protonServer.codebuild', async () => {
    const { deploymentRunner } = readProtonServerConfig(
      new ConfigReader({
        protonServer: {
          runner: 'codebuild',
          bundlesDirectory: '/unused',
          credentials: [TEST_CREDENTIALS],
          deployments: { timeoutSeconds: 600, concurrency: 1 },
          codebuild: {
            projectName: 'from-config',
            sourceBucket: 'config-bucket',
            callbackEndpoint: 'https://proton.example.com',
            region: 'eu-west-1',
            computeType: 'BUILD_GENERAL1_MEDIUM',
          },
        },
      }),
    );
    let finish = false;
    codeBuild.on(BatchGetBuildsCommand).callsFake(async () => ({
      builds: [build(finish ? 'SUCCEEDED' : 'IN_PROGRESS')],
    }));
    const server = await start({}, deploymentRunner as any);
    await createEnvironment(server, 'dev');
    await createEnvironment(server, 'prod');
    while (codeBuild.commandCalls(BatchGetBuildsCommand).length < 1) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    // The first build is running (polled after the default 2 s): the second waits.
    expect(codeBuild.commandCalls(StartBuildCommand)).toHaveLength(1);
    finish = true;
    for (const name of ['dev', 'prod']) {
      const environment = await waitForEnvironmentStatus(server, name, [
        'SUCCEEDED',
        'FAILED',
      ]);
      expect(environment.deploymentStatus).toBe('SUCCEEDED');
    }
    const starts = codeBuild.commandCalls(StartBuildCommand);
    expect(starts).toHaveLength(2);
    expect(starts[0].args[0].input).toMatchObject({
      projectName: 'from-config',
      sourceLocationOverride: expect.stringMatching(
        /^config-bucket\/proton-server\/.+\/source\.zip$/,
      ),
      computeTypeOverride: 'BUILD_GENERAL1_MEDIUM',
      timeoutInMinutesOverride: 10,
    });
  }, 30_000);
});
