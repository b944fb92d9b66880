import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AccessDeniedException,
  GetDeploymentCommand,
  ListEnvironmentOutputsCommand,
  ListEnvironmentsCommand,
  NotifyResourceDeploymentStatusChangeCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import {
  createEnvironment,
  NOTIFY_OUTPUTS,
  shellEnvironmentBundle,
  waitForEnvironmentStatus,
} from '../__testUtils__/shellBundles';
import {
  publishEnvironmentVersion,
  startTemplateTestServer,
} from '../__testUtils__/templateFixtures';
import { TEST_CREDENTIALS, TestServer } from '../__testUtils__/testServer';
import { createLocalRunner } from './localRunner';

/** A variable of this process standing for the backend's database password. */
const DATABASE_PASSWORD = 'database-password-of-the-backend-7f3a';

const DEV_ARN = 'arn:aws:proton:us-east-1:000000000000:environment/dev';

async function waitForFile(file: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const text = await fs.promises.readFile(file, 'utf8').catch(() => '');
    if (text.endsWith('\n')) return text.trim();
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe("a deployment's secrets", () => {
  let scratch: string;
  let test: TestServer | undefined;
  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'secrets-'));
    process.env.PROTON_TEST_DATABASE_PASSWORD = DATABASE_PASSWORD;
    process.env.PROTON_TEST_SCRATCH = scratch;
  });
  afterEach(async () => {
    delete process.env.PROTON_TEST_DATABASE_PASSWORD;
    delete process.env.PROTON_TEST_SCRATCH;
    await test?.stop();
    test = undefined;
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  it('gives bundle code only allowed variables and credentials scoped to its deployment, and keeps them out of the log', async () => {
    test = await startTemplateTestServer({
      deploymentRunner: createLocalRunner({
        passEnvironment: ['PROTON_TEST_SCRATCH'],
        environment: { PULUMI_CONFIG_PASSPHRASE: 'passphrase-from-config-91' },
      }),
    });
    await publishEnvironmentVersion(
      test,
      'vpc.tar.gz',
      undefined,
      shellEnvironmentBundle([
        // a step that prints its environment
        'env | sort',
        'echo "$PROTON_CALLBACK_ACCESS_KEY_ID $PROTON_CALLBACK_SECRET_ACCESS_KEY $PROTON_CALLBACK_SESSION_TOKEN" > "$PROTON_TEST_SCRATCH/credentials-${RESOURCE_ARN##*/}"',
        'while [ ! -f "$PROTON_TEST_SCRATCH/go" ]; do sleep 0.05; done',
        `jq -n '[{key: "vpcId", valueString: "vpc-secret-test"}]' > outputs.json`,
        // through the aws wrapper, with the deployment's credentials
        NOTIFY_OUTPUTS,
      ]),
    );
    const created = await createEnvironment(test, 'dev');
    await createEnvironment(test, 'other');
    const [accessKeyId, secretAccessKey, sessionToken] = (
      await waitForFile(path.join(scratch, 'credentials-dev'))
    ).split(' ');
    expect(accessKeyId).toMatch(/^PSDK[0-9A-F]{16}$/);
    const client = new ProtonClient({
      region: 'us-east-1',
      endpoint: test.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
    });
    try {
      // While it runs: its own deployment, nothing else.
      const own = await client.send(
        new GetDeploymentCommand({ id: created.lastAttemptedDeploymentId! }),
      );
      expect(own.deployment?.targetArn).toBe(DEV_ARN);
      await expect(
        client.send(
          new NotifyResourceDeploymentStatusChangeCommand({
            resourceArn: DEV_ARN.replace('/dev', '/other'),
            status: 'SUCCEEDED',
          }),
        ),
      ).rejects.toThrow(AccessDeniedException);
      await expect(
        client.send(new ListEnvironmentsCommand({})),
      ).rejects.toThrow(
        /may only call NotifyResourceDeploymentStatusChange and GetDeployment/,
      );
      // Credentials forged from another deployment's token are not recognised.
      await expect(
        new ProtonClient({
          region: 'us-east-1',
          endpoint: test.endpoint,
          maxAttempts: 1,
          credentials: {
            accessKeyId,
            secretAccessKey,
            sessionToken: sessionToken.replace(/\.[^.]+$/, '.AAAA'),
          },
        }).send(
          new GetDeploymentCommand({ id: created.lastAttemptedDeploymentId! }),
        ),
      ).rejects.toThrow(
        'The security token included in the request is invalid.',
      );

      await fs.promises.writeFile(path.join(scratch, 'go'), '');
      const environment = await waitForEnvironmentStatus(test, 'dev', [
        'SUCCEEDED',
        'FAILED',
      ]);
      expect(environment.deploymentStatusMessage).toBeUndefined();
      const outputs = await test.client.send(
        new ListEnvironmentOutputsCommand({ environmentName: 'dev' }),
      );
      expect(outputs.outputs).toEqual([
        { key: 'vpcId', valueString: 'vpc-secret-test' },
      ]);
      // Once the deployment ended, its credentials are refused.
      await expect(
        client.send(
          new NotifyResourceDeploymentStatusChangeCommand({
            resourceArn: DEV_ARN,
            status: 'FAILED',
          }),
        ),
      ).rejects.toThrow(
        `The credentials of deployment ${created.lastAttemptedDeploymentId} expired when it ended (SUCCEEDED)`,
      );

      const log = (await test.server.deploymentLog(
        created.lastAttemptedDeploymentId!,
      ))!;
      expect(log).toContain('RESOURCE_ARN=arn:aws:proton');
      expect(log).toContain('PROTON_CALLBACK_SECRET_ACCESS_KEY=[redacted]');
      expect(log).toContain('PULUMI_CONFIG_PASSPHRASE=[redacted]');
      for (const secret of [
        DATABASE_PASSWORD,
        TEST_CREDENTIALS.secretAccessKey,
        TEST_CREDENTIALS.accessKeyId,
        secretAccessKey,
        sessionToken,
        'passphrase-from-config-91',
      ]) {
        expect(log).not.toContain(secret);
      }
      expect(log).not.toContain('PROTON_TEST_DATABASE_PASSWORD');
    } finally {
      client.destroy();
    }
  }, 60_000);
});
