import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/proton-server');
const CREDENTIALS = {
  accessKeyId: 'AKIDCLITEST',
  secretAccessKey: 'cli-test-secret',
};
const CLIENT_ENV = {
  ...process.env,
  AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ child, endpoint: match[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', code =>
      reject(new Error(`proton-server exited with ${code}: ${output}`)),
    );
  });
}

describe('the proton-server command', () => {
  let work: string;
  let child: ChildProcess | undefined;
  let endpoint: string;

  beforeAll(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'proton-cli-'));
    ({ child, endpoint } = await startCli(
      [
        '--port',
        '0',
        // Relative paths are resolved from where yarn was run (INIT_CWD).
        '--data',
        'data',
        '--bundles',
        'bundles',
        '--region',
        'us-east-1',
      ],
      {
        ...process.env,
        PROTON_SERVER_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        PROTON_SERVER_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        INIT_CWD: work,
      },
    ));
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(resolve => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  it('serves the AWS CLI', async () => {
    const aws = (...args: string[]) =>
      run(
        'aws',
        [
          'proton',
          ...args,
          '--endpoint-url',
          endpoint,
          '--region',
          'us-east-1',
          '--output',
          'json',
        ],
        {
          env: CLIENT_ENV,
        },
      );
    await aws(
      'create-service-template',
      '--name',
      'from-aws-cli',
      '--display-name',
      'From the AWS CLI',
    );
    const { stdout } = await aws('list-service-templates');
    const listed = JSON.parse(stdout);
    expect(listed.templates).toHaveLength(1);
    expect(listed.templates[0]).toMatchObject({
      name: 'from-aws-cli',
      displayName: 'From the AWS CLI',
      arn: 'arn:aws:proton:us-east-1:000000000000:service-template/from-aws-cli',
    });
    expect(typeof listed.templates[0].createdAt).toBe('number');
    const failure = await aws(
      'get-service-template',
      '--name',
      'missing',
    ).catch(e => e);
    expect(failure.code).not.toBe(0);
    expect(failure.stderr).toContain(
      'An error occurred (ResourceNotFoundException) when calling the GetServiceTemplate operation: The service template missing does not exist',
    );
  }, 60_000);

  it('serves boto3, refusing wrong credentials', async () => {
    const script = `
import json, boto3, botocore
client = boto3.client('proton', endpoint_url=${JSON.stringify(
      endpoint,
    )}, region_name='us-east-1')
client.create_environment_template(name='from-boto3', description='made by boto3')
names = []
for page in client.get_paginator('list_environment_templates').paginate(PaginationConfig={'PageSize': 1}):
    names += [t['name'] for t in page['templates']]
errors = {}
try:
    client.create_environment_template(name='from-boto3', description='another')
except botocore.exceptions.ClientError as error:
    errors['duplicate'] = [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode']]
bad = boto3.client('proton', endpoint_url=${JSON.stringify(
      endpoint,
    )}, region_name='us-east-1',
                   aws_access_key_id='${
                     CREDENTIALS.accessKeyId
                   }', aws_secret_access_key='wrong',
                   config=botocore.config.Config(retries={'max_attempts': 0}))
try:
    bad.list_environment_templates()
except botocore.exceptions.ClientError as error:
    errors['signature'] = [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps({'names': names, 'errors': errors}))
`;
    const { stdout } = await run('python3', ['-c', script], {
      env: CLIENT_ENV,
    });
    expect(JSON.parse(stdout)).toEqual({
      names: ['from-boto3'],
      errors: {
        duplicate: ['ValidationException', 400],
        signature: ['InvalidSignatureException', 403],
      },
    });
  }, 60_000);

  it('keeps its state in the --data directory, relative to where yarn ran', () => {
    expect(fs.existsSync(path.join(work, 'data', 'proton-server.sqlite'))).toBe(
      true,
    );
  });

  it('documents its flags in --help', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);
    for (const flag of [
      '--port',
      '--data',
      '--bundles',
      '--runner',
      '--region',
      '--account-id',
      '--database-url',
      '--rate-limit',
      '--deployment-timeout',
      '--max-concurrent-deployments',
      '--delay-ms',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('PROTON_SERVER_ACCESS_KEY_ID');
  }, 60_000);

  it('refuses to start without credentials or with invalid flags', async () => {
    const env = { ...process.env };
    delete env.PROTON_SERVER_ACCESS_KEY_ID;
    delete env.PROTON_SERVER_SECRET_ACCESS_KEY;
    const missing = await run(process.execPath, [BIN, '--data', ':memory:'], {
      env,
    }).catch(e => e);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'PROTON_SERVER_ACCESS_KEY_ID / PROTON_SERVER_SECRET_ACCESS_KEY is not set',
    );
    const runner = await run(process.execPath, [BIN, '--runner', 'docker'], {
      env,
    }).catch(e => e);
    expect(runner.code).toBe(1);
    expect(runner.stderr).toContain(
      'Allowed choices are local, simulate, codebuild',
    );
    const codebuild = await run(
      process.execPath,
      [BIN, '--runner', 'codebuild', '--data', ':memory:'],
      {
        env: {
          ...env,
          PROTON_SERVER_ACCESS_KEY_ID: 'a',
          PROTON_SERVER_SECRET_ACCESS_KEY: 'b',
        },
      },
    ).catch(e => e);
    expect(codebuild.code).toBe(1);
    expect(codebuild.stderr).toContain(
      '--runner codebuild needs --codebuild-project and --codebuild-bucket',
    );
    const account = await run(process.execPath, [BIN, '--account-id', '12'], {
      env,
    }).catch(e => e);
    expect(account.stderr).toContain('must be a 12-digit AWS account id');
  }, 60_000);
});
