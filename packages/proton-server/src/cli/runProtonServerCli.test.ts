import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { shellEnvironmentBundle } from '../__testUtils__/shellBundles';

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
      '--git-config',
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

describe('the proton-server command with --git-config', () => {
  const connectionArn =
    'arn:aws:codestar-connections:us-east-1:000000000000:connection/cli';
  let work: string;
  let child: ChildProcess | undefined;

  async function git(cwd: string, ...args: string[]) {
    await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@x', ...args], {
      cwd,
    });
  }

  beforeAll(async () => {
    work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'proton-cli-git-'));
    // a bare repository team/templates under <work>/config/git, holding fargate-like/v1/
    const bare = path.join(work, 'config', 'git', 'team', 'templates.git');
    await fs.promises.mkdir(bare, { recursive: true });
    await git(bare, 'init', '-q', '--bare', '--initial-branch=main');
    const copy = path.join(work, 'copy');
    await git(work, 'clone', '-q', bare, copy);
    for (const [file, text] of Object.entries(
      shellEnvironmentBundle(['true']),
    )) {
      const target = path.join(copy, 'network', 'v1', file);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.writeFile(target, text);
    }
    await git(copy, 'add', '-A');
    await git(copy, 'commit', '-q', '-m', 'The network template');
    await git(copy, 'push', '-q', 'origin', 'HEAD:main');
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(resolve => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.promises.rm(work, { recursive: true, force: true });
  });

  it('links the repositories the file declares and syncs their templates; secrets come from the environment', async () => {
    // the connection's folder is relative to the file; the webhook secret is substituted
    await fs.promises.writeFile(
      path.join(work, 'config', 'git.yaml'),
      `protonServer:
  git:
    pollIntervalSeconds: 1
    connections:
      - arn: ${connectionArn}
        provider: GITHUB_ENTERPRISE
        baseUrl: ./git
        webhookSecret: \${CLI_TEST_WEBHOOK_SECRET}
    repositories:
      - name: team/templates
        connectionArn: ${connectionArn}
        templates:
          - name: network
            type: ENVIRONMENT
            branch: main
`,
    );
    let endpoint: string;
    ({ child, endpoint } = await startCli(
      ['--port', '0', '--data', ':memory:', '--git-config', 'config/git.yaml'],
      {
        ...process.env,
        PROTON_SERVER_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        PROTON_SERVER_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        CLI_TEST_WEBHOOK_SECRET: 'from-the-environment',
        INIT_CWD: work,
      },
    ));
    const aws = async (...args: string[]) =>
      JSON.parse(
        (
          await run(
            'aws',
            ['proton', ...args, '--endpoint-url', endpoint, '--output', 'json'],
            { env: CLIENT_ENV },
          )
        ).stdout,
      );
    expect(
      await aws(
        'get-repository',
        '--provider',
        'GITHUB_ENTERPRISE',
        '--name',
        'team/templates',
      ),
    ).toMatchObject({ repository: { connectionArn, name: 'team/templates' } });
    let versions: any[] = [];
    for (let i = 0; i < 100 && versions.length === 0; i += 1) {
      ({ templateVersions: versions } = await aws(
        'list-environment-template-versions',
        '--template-name',
        'network',
      ));
      if (versions.length === 0) {
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    }
    expect(versions).toEqual([
      expect.objectContaining({
        majorVersion: '1',
        minorVersion: '0',
        status: 'DRAFT',
        description: 'The network template',
      }),
    ]);
    // the secret is the environment's: a delivery signed with it is accepted, another is refused
    const deliver = (secret: string) => {
      const body = JSON.stringify({
        ref: 'refs/heads/main',
        repository: { full_name: 'team/templates' },
      });
      const signature = createHmac('sha256', secret).update(body).digest('hex');
      return fetch(`${endpoint}/webhooks/git`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': `sha256=${signature}`,
        },
        body,
      });
    };
    expect((await deliver('from-the-environment')).status).toBe(202);
    expect((await deliver('another')).status).toBe(401);
  }, 90_000);

  it('says what is wrong with the file', async () => {
    const env = {
      ...process.env,
      PROTON_SERVER_ACCESS_KEY_ID: 'a',
      PROTON_SERVER_SECRET_ACCESS_KEY: 'b',
      INIT_CWD: work,
    };
    await fs.promises.writeFile(
      path.join(work, 'bad.yaml'),
      'protonServer:\n  git:\n    connections:\n      - arn: x\n        provider: GITLAB\n        baseUrl: ./git\n',
    );
    const bad = await run(
      process.execPath,
      [BIN, '--data', ':memory:', '--git-config', 'bad.yaml'],
      { env },
    ).catch(e => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      '--git-config bad.yaml: protonServer.git.connections[0].provider must be one of GITHUB, GITHUB_ENTERPRISE, BITBUCKET, not GITLAB',
    );
    await fs.promises.writeFile(
      path.join(work, 'empty.yaml'),
      'protonServer:\n  region: us-east-1\n',
    );
    const empty = await run(
      process.execPath,
      [BIN, '--data', ':memory:', '--git-config', 'empty.yaml'],
      { env },
    ).catch(e => e);
    expect(empty.stderr).toContain(
      '--git-config empty.yaml: it has no protonServer.git section',
    );
  }, 60_000);
});
