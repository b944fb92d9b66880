import {
  GetEnvironmentTemplateCommand,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  createProtonServer,
  ProtonServer,
} from '@proton-platform/proton-server';
import fs from 'node:fs';
import path from 'node:path';
import { runProtonTemplatesCli } from '../cli';

jest.setTimeout(60_000);

const CREDENTIALS = {
  accessKeyId: 'AKIDTEMPLATESTEST',
  secretAccessKey: 'templates-test-secret',
};

const MANIFEST = `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        image: aws/codebuild/amazonlinux2-x86_64-standard:5.0
        provision:
          - echo provision
        deprovision:
          - echo deprovision
`;

function environmentSchema(properties: string[]): string {
  return `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: EnvInput
  types:
    EnvInput:
      type: object
      properties:
${properties
  .map(p => `        ${p}:\n          type: string\n          default: "x"\n`)
  .join('')}`;
}

function program(properties: string[]): string {
  return `import * as fs from 'fs';
const inputs = JSON.parse(fs.readFileSync('proton-inputs.json', 'utf8')).environment.inputs;
${properties.map(p => `export const ${p} = inputs.${p};`).join('\n')}
`;
}

describe('proton-templates publish, against the control plane', () => {
  const root = createMockDirectory();
  let server: ProtonServer;
  let proton: ProtonClient;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    root.setContent({ bundles: {} });
    server = createProtonServer({
      credentials: CREDENTIALS,
      bundlesDirectory: path.join(root.path, 'bundles'),
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    await server.start();
    proton = new ProtonClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: CREDENTIALS,
    });
    // The CLI takes its credentials from the default chain, like the AWS CLI.
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });

  afterAll(async () => {
    process.env = savedEnv;
    proton?.destroy();
    await server?.stop();
  });

  function writeBundle(
    name: string,
    properties: string[],
    extra: Record<string, string> = {},
  ) {
    const dir = path.join(root.path, name);
    fs.rmSync(dir, { recursive: true, force: true });
    const files: Record<string, string> = {
      'schema/schema.yaml': environmentSchema(properties),
      'infrastructure/manifest.yaml': MANIFEST,
      'infrastructure/index.ts': program(properties),
      ...extra,
    };
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }

  async function publish(dir: string, ...flags: string[]) {
    return publishAs(
      dir,
      ['--name', 'fargate-env', '--type', 'environment'],
      ...flags,
    );
  }

  async function publishAs(
    dir: string,
    identity: string[],
    ...flags: string[]
  ) {
    let stdout = '';
    let stderr = '';
    const code = await runProtonTemplatesCli(
      [
        'node',
        'proton-templates',
        'publish',
        dir,
        ...identity,
        '--bundles-dir',
        path.join(root.path, 'bundles'),
        '--bucket',
        'templates',
        '--endpoint-url',
        server.endpoint,
        '--region',
        'us-east-1',
        ...flags,
      ],
      {
        stdout: t => {
          stdout += t;
        },
        stderr: t => {
          stderr += t;
        },
      },
    );
    return { code, stdout, stderr };
  }

  it('creates 1.0, then 1.1 for a compatible schema, publishes, and opens 2.0 for an incompatible one', async () => {
    const first = await publish(
      writeBundle('env-v1', ['vpc_cidr']),
      '--description',
      'Fargate environment',
    );
    expect(first).toMatchObject({ code: 0, stdout: '1.0\n' });
    expect(first.stderr).toContain('created environment template fargate-env');
    const key = /uploaded (.*)/.exec(first.stderr)?.[1] ?? '';
    expect(fs.existsSync(key)).toBe(true);
    expect(key).toMatch(
      /bundles\/templates\/fargate-env\/[0-9a-f]{64}\.tar\.gz$/,
    );

    const second = await publish(
      writeBundle('env-v1', ['vpc_cidr', 'cluster_name']),
    );
    expect(second).toMatchObject({ code: 0, stdout: '1.1\n' });
    expect(second.stderr).toContain('backward compatible with 1.0');

    const third = await publish(
      writeBundle('env-v1', ['vpc_cidr', 'cluster_name']),
      '--publish',
    );
    expect(third).toMatchObject({ code: 0, stdout: '1.2\n' });
    const template = await proton.send(
      new GetEnvironmentTemplateCommand({ name: 'fargate-env' }),
    );
    expect(template.environmentTemplate?.recommendedVersion).toBe('1.2');

    const incompatible = await publish(
      writeBundle('env-v2', ['cluster_name'], {
        'schema/schema.yaml': environmentSchema(['cluster_name']).replace(
          'properties:',
          'required: [cluster_name]\n      properties:',
        ),
      }),
    );
    expect(incompatible).toMatchObject({ code: 0, stdout: '2.0\n' });
    expect(incompatible.stderr).toContain('not backward compatible with 1.2');

    const requested = await publish(
      writeBundle('env-v1', ['vpc_cidr', 'cluster_name']),
      '--major',
      '1',
      '--json',
    );
    expect(requested.code).toBe(0);
    expect(JSON.parse(requested.stdout)).toMatchObject({
      version: '1.3',
      major: 1,
      minor: 3,
      status: 'DRAFT',
      reason: 'major version 1 was requested',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const unknownMajor = await publish(
      writeBundle('env-v1', ['vpc_cidr']),
      '--major',
      '7',
    );
    expect(unknownMajor.code).toBe(1);
    expect(unknownMajor.stderr).toMatch(/publish: \w+Exception: /);
  });

  it("refuses an invalid bundle and prints Proton's statusMessage when registration fails", async () => {
    const invalid = writeBundle('env-bad', ['vpc_cidr'], {
      'infrastructure/index.ts': program(['vpc']),
    });
    const refused = await publish(invalid);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('reads environment input "vpc"');

    const noManifest = writeBundle('env-no-manifest', ['vpc_cidr']);
    fs.rmSync(path.join(noManifest, 'infrastructure/manifest.yaml'));
    const failed = await publish(
      noManifest,
      '--skip-validation',
      '--major',
      '1',
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/REGISTRATION_FAILED: .*manifest\.yaml/);
  });

  function writeServiceBundle(name: string, withPipeline: boolean) {
    const dir = path.join(root.path, name);
    const files: Record<string, string> = {
      'schema/schema.yaml':
        'schema:\n  format:\n    openapi: "3.0.0"\n  service_input_type: SvcInput\n  types:\n    SvcInput:\n      type: object\n      properties:\n        port:\n          type: number\n          default: 80\n',
      'instance_infrastructure/manifest.yaml': MANIFEST,
      'instance_infrastructure/index.ts':
        "const doc = JSON.parse(require('fs').readFileSync('proton-inputs.json', 'utf8'));\nexport const port = doc.service_instance.inputs.port;\n",
      ...(withPipeline
        ? { 'pipeline_infrastructure/manifest.yaml': MANIFEST }
        : {}),
    };
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }

  it('publishes a service template against a compatible environment template', async () => {
    const dir = writeServiceBundle('svc', true);
    const identity = ['--name', 'fargate-service', '--type', 'service'];
    const missing = await publishAs(dir, identity);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--compatible-environment-template');

    const first = await publishAs(
      dir,
      identity,
      '--compatible-environment-template',
      'fargate-env:1',
      '--publish',
    );
    expect(first).toMatchObject({ code: 0, stdout: '1.0\n' });
    // A new minor version keeps the compatible environment templates of the previous one.
    const second = await publishAs(dir, identity);
    expect(second).toMatchObject({ code: 0, stdout: '1.1\n' });
  });

  it('publishes a service template without a pipeline (pipelineProvisioning CUSTOMER_MANAGED)', async () => {
    const dir = writeServiceBundle('svc-no-pipeline', false);
    const result = await publishAs(
      dir,
      ['--name', 'no-pipeline-service', '--type', 'service'],
      '--compatible-environment-template',
      'fargate-env:1',
    );
    expect(result).toMatchObject({ code: 0, stdout: '1.0\n' });
  });
});
