import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { codebuildPlan } from './codebuildBuildspec';
import {
  buildEnvironment,
  buildFailureMessage,
  callbackParameterNames,
} from './codebuildBuilds';
import { workingDirectoryFiles, zipArchive } from './codebuildSource';
import { stepScript } from './provisioningManifest';

const run = promisify(execFile);

describe('the codebuild buildspec', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'buildspec-'));
  });
  afterEach(async () => {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  });

  it('is buildspec 0.2 in bash with the prelude, then the steps in order', () => {
    const plan = codebuildPlan({
      commands: ['export A=1', 'echo "$A"', './provision.sh'],
      settings: {
        image: 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
        runtimes: { nodejs: 20 },
      },
    });
    const spec = parse(plan.buildspec);
    expect(spec.version).toBe(0.2);
    expect(spec.env).toEqual({ shell: 'bash' });
    expect(spec.phases.install).toEqual({
      'runtime-versions': { nodejs: 20 },
    });
    expect(spec.phases.build.commands).toHaveLength(4);
    expect(spec.phases.build.commands.slice(1)).toEqual([
      'export A=1',
      'echo "$A"',
      './provision.sh',
    ]);
    expect(plan.image).toBe('aws/codebuild/amazonlinux2-x86_64-standard:5.0');
    expect(codebuildPlan({ commands: [], settings: {} }).image).toBeUndefined();
  });

  it('runs in one shell session, with `aws proton` signed by the callback credentials only', async () => {
    // A stand-in for the AWS CLI: prints the credentials it would sign with.
    const bin = path.join(scratch, 'bin');
    await fs.promises.mkdir(bin);
    await fs.promises.writeFile(
      path.join(bin, 'aws'),
      '#!/usr/bin/env bash\necho "aws $1 as ${AWS_ACCESS_KEY_ID:-role} token=${AWS_SESSION_TOKEN:-none}"\n',
      { mode: 0o755 },
    );
    await fs.promises.writeFile(
      path.join(scratch, 'provision.sh'),
      '#!/usr/bin/env bash\naws proton notify-resource-deployment-status-change\n',
      { mode: 0o755 },
    );
    const plan = codebuildPlan({
      commands: [
        'export GREETING=hello',
        'echo "greeting=$GREETING"',
        'aws s3 ls',
        './provision.sh',
        'false',
        'echo never',
      ],
      settings: {},
    });
    const commands = parse(plan.buildspec).phases.build.commands;
    const script = path.join(scratch, 'steps.sh');
    await fs.promises.writeFile(
      script,
      stepScript(commands, path.join(scratch, 'step')),
    );
    const { PATH, HOME } = process.env;
    const result = await run('bash', [script], {
      cwd: scratch,
      env: {
        PATH: `${bin}:${PATH}`,
        HOME,
        TMPDIR: scratch,
        AWS_SESSION_TOKEN: 'role-token',
        PROTON_CALLBACK_ACCESS_KEY_ID: 'AKIDCALLBACK',
        PROTON_CALLBACK_SECRET_ACCESS_KEY: 'callback-secret',
      },
    }).catch(error => error);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('greeting=hello');
    expect(result.stdout).toContain('aws s3 as role token=role-token');
    expect(result.stdout).toContain('aws proton as AKIDCALLBACK token=none');
    expect(result.stdout).not.toContain('never');
    expect(await fs.promises.readFile(path.join(scratch, 'step'), 'utf8')).toBe(
      '6\n',
    );
  });

  it('zips the infrastructure folder and proton-inputs.json', async () => {
    const template = path.join(scratch, 'template');
    await fs.promises.mkdir(path.join(template, 'infrastructure', 'lib'), {
      recursive: true,
    });
    await fs.promises.writeFile(
      path.join(template, 'infrastructure', 'manifest.yaml'),
      'infrastructure: {}\n',
    );
    await fs.promises.writeFile(
      path.join(template, 'infrastructure', 'lib', 'provision.sh'),
      'echo hi\n',
      { mode: 0o755 },
    );
    await fs.promises.mkdir(path.join(template, 'schema'));
    await fs.promises.writeFile(
      path.join(template, 'schema', 'schema.yaml'),
      'not in the source\n',
    );
    const zip = path.join(scratch, 'source.zip');
    await fs.promises.writeFile(
      zip,
      zipArchive(
        await workingDirectoryFiles({
          templateDirectory: template,
          infrastructureFolder: 'infrastructure',
          protonInputs: { environment: { name: 'dev', inputs: {} } },
        }),
      ),
    );
    const out = path.join(scratch, 'out');
    await run('unzip', ['-q', zip, '-d', out]);
    expect((await fs.promises.readdir(out)).sort()).toEqual([
      'lib',
      'manifest.yaml',
      'proton-inputs.json',
    ]);
    expect(
      JSON.parse(
        await fs.promises.readFile(
          path.join(out, 'proton-inputs.json'),
          'utf8',
        ),
      ),
    ).toEqual({ environment: { name: 'dev', inputs: {} } });
    const script = await fs.promises.stat(
      path.join(out, 'lib', 'provision.sh'),
    );
    expect(script.mode & 0o777).toBe(0o755);
  });

  it('gives builds the callback secret and session token only through Parameter Store', () => {
    const job = {
      resourceArn: 'arn:aws:proton:us-east-1:000000000000:environment/dev',
      region: 'us-east-1',
      deploymentId: 'd-1',
      attempt: 1,
      credentials: {
        accessKeyId: 'PSDKABC',
        secretAccessKey: 'deployment-secret-value',
        sessionToken: 'PSD1.token.mac',
      },
    } as Parameters<typeof buildEnvironment>[0];
    const variables = buildEnvironment(
      job,
      'https://p',
      callbackParameterNames('/proton/', 'd-1'),
    );
    expect(
      variables.filter(v => v.name?.startsWith('PROTON_CALLBACK')),
    ).toEqual([
      {
        name: 'PROTON_CALLBACK_ACCESS_KEY_ID',
        value: 'PSDKABC',
        type: 'PLAINTEXT',
      },
      {
        name: 'PROTON_CALLBACK_SECRET_ACCESS_KEY',
        value: '/proton/d-1/secret-access-key',
        type: 'PARAMETER_STORE',
      },
      {
        name: 'PROTON_CALLBACK_SESSION_TOKEN',
        value: '/proton/d-1/session-token',
        type: 'PARAMETER_STORE',
      },
    ]);
    const plain = JSON.stringify(variables);
    expect(plain).not.toContain('deployment-secret-value');
    expect(plain).not.toContain('PSD1.token.mac');
  });

  it('describes a FAULT without contexts', () => {
    expect(
      buildFailureMessage(
        {
          id: 'p:1',
          buildStatus: 'FAULT',
          phases: [{ phaseType: 'PROVISIONING', phaseStatus: 'FAULT' }],
        },
        ['x'],
      ),
    ).toBe('The CodeBuild build p:1 ended FAULT in phase PROVISIONING');
  });
});
