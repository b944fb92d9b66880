import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { validateBundle } from './validateBundle';

const SAMPLES = path.resolve(__dirname, '../../../../../shared/proton-samples');
const MANIFEST = `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        image: aws/codebuild/amazonlinux2-x86_64-standard:5.0
        runtimes:
          nodejs: 20
        provision:
          - npm ci
          - npx pulumi up --yes
        deprovision:
          - npx pulumi destroy --yes
`;
const ENVIRONMENT_SCHEMA = `schema:
  format:
    openapi: "3.0.0"
  environment_input_type: EnvInput
  types:
    EnvInput:
      type: object
      properties:
        vpc_cidr:
          type: string
        cluster_name:
          type: string
`;
const PROGRAM = `import * as fs from 'fs';
const inputs = JSON.parse(fs.readFileSync('proton-inputs.json', 'utf8')).environment.inputs;
export const cidr = inputs.vpc_cidr;
export const name = inputs.cluster_name;
`;

function environmentBundle(extra: Record<string, string> = {}) {
  return {
    'schema/schema.yaml': ENVIRONMENT_SCHEMA,
    'infrastructure/manifest.yaml': MANIFEST,
    'infrastructure/index.ts': PROGRAM,
    ...extra,
  };
}

describe('validateBundle', () => {
  const dir = createMockDirectory();

  it('has the public sample schemas to check against', () => {
    // Fails rather than passing vacuously when the samples folder is missing.
    expect(fs.existsSync(SAMPLES)).toBe(true);
  });

  it('accepts a bundle with every public sample schema', async () => {
    const samples = fs
      .readdirSync(SAMPLES)
      .filter(f => f.endsWith('.schema.yaml'));
    expect(samples.length).toBeGreaterThanOrEqual(9);
    for (const sample of samples) {
      const schema = fs.readFileSync(path.join(SAMPLES, sample), 'utf8');
      const folder = /environment_input_type/.test(schema)
        ? 'infrastructure'
        : 'instance_infrastructure';
      dir.setContent({
        'schema/schema.yaml': schema,
        [`${folder}/manifest.yaml`]: MANIFEST,
      });
      const { findings, valid } = await validateBundle(dir.path);
      expect({
        sample,
        errors: findings.filter(f => f.severity === 'error'),
      }).toEqual({
        sample,
        errors: [],
      });
      expect(valid).toBe(true);
    }
  });

  it('accepts a bundle whose program reads exactly the schema inputs', async () => {
    dir.setContent(environmentBundle());
    expect(await validateBundle(dir.path)).toMatchObject({
      valid: true,
      findings: [],
    });
  });

  it('reports inputs read but not declared, and declared but not read', async () => {
    dir.setContent(
      environmentBundle({
        'infrastructure/index.ts': PROGRAM.replace(
          'inputs.cluster_name',
          'inputs.clusterName',
        ),
      }),
    );
    const { findings, valid } = await validateBundle(dir.path);
    expect(valid).toBe(false);
    expect(findings).toEqual([
      {
        severity: 'error',
        path: 'infrastructure/index.ts:4',
        message:
          'reads environment input "clusterName", which the schema does not declare',
      },
      {
        severity: 'warning',
        path: 'schema/schema.yaml',
        message:
          'environment input "cluster_name" is not read by infrastructure/',
      },
    ]);
  });

  it('reports a bad schema, a missing infrastructure folder and node_modules with their paths', async () => {
    dir.setContent({
      'schema/schema.yaml':
        'schema:\n  format:\n    openapi: "3.0.0"\n  service_input_type: Missing\n  types: {}\n',
      'instance_infrastructure/index.ts': '',
      'node_modules/left-pad/index.js': '',
    });
    const paths = (await validateBundle(dir.path)).findings
      .filter(f => f.severity === 'error')
      .map(f => f.path);
    expect(paths).toContain('schema/schema.yaml');
    expect(paths).toContain('node_modules/');
  });

  it('accepts a schema-only environment bundle as a customer managed environment template', async () => {
    dir.setContent({ 'schema/schema.yaml': ENVIRONMENT_SCHEMA });
    const validation = await validateBundle(dir.path);
    expect(validation.valid).toBe(true);
    expect(validation.findings).toEqual([
      expect.objectContaining({
        severity: 'info',
        path: 'schema/',
        message: expect.stringContaining('customer managed environment'),
      }),
    ]);
  });

  it('still needs the instance infrastructure of a schema-only service bundle', async () => {
    dir.setContent({
      'schema/schema.yaml':
        'schema:\n  format:\n    openapi: "3.0.0"\n  service_input_type: In\n  types:\n    In:\n      type: object\n      properties: {}\n',
    });
    const validation = await validateBundle(dir.path);
    expect(validation.valid).toBe(false);
    expect(validation.findings.map(f => f.path)).toContain(
      'instance_infrastructure/',
    );
  });

  it('does not report node_modules that an ignore file excludes', async () => {
    dir.setContent(
      environmentBundle({
        'infrastructure/.gitignore': 'node_modules/\n',
        'infrastructure/node_modules/x/index.js': '',
      }),
    );
    expect((await validateBundle(dir.path)).findings).toEqual([]);
  });

  it('warns about top-level folders Proton does not use', async () => {
    dir.setContent(
      environmentBundle({ 'versions/1.0/infrastructure/index.ts': '' }),
    );
    expect((await validateBundle(dir.path)).findings).toEqual([
      {
        severity: 'warning',
        path: 'versions/',
        message:
          'not a Proton bundle folder: it is packaged but Proton does not use it (add it to .protonignore?)',
      },
    ]);
  });

  it('requires the manifest of the infrastructure folder', async () => {
    dir.setContent({
      'schema/schema.yaml': ENVIRONMENT_SCHEMA,
      'infrastructure/index.ts': '',
    });
    const { findings } = await validateBundle(dir.path);
    expect(findings).toContainEqual({
      severity: 'error',
      path: 'infrastructure/manifest.yaml',
      message: 'missing',
    });
  });

  it('reports manifest problems, secrets and quotas', async () => {
    dir.setContent(
      environmentBundle({
        'infrastructure/manifest.yaml': MANIFEST.replace(
          'runtimes:',
          'runtime:',
        ),
        'infrastructure/.env': 'TOKEN=1',
        'infrastructure/big.bin': Buffer.alloc(2 * 1024 * 1024 + 1).toString(),
      }),
    );
    const { findings } = await validateBundle(dir.path);
    expect(findings.map(f => [f.severity, f.path])).toEqual(
      expect.arrayContaining([
        [
          'warning',
          'infrastructure/manifest.yaml: infrastructure.templates[0].settings.runtime',
        ],
        ['error', 'infrastructure/.env'],
        ['error', 'infrastructure/big.bin'],
      ]),
    );
  });

  it('reports a folder that does not exist', async () => {
    const { findings, valid } = await validateBundle(
      path.join(dir.path, 'nope'),
    );
    expect(valid).toBe(false);
    expect(findings[0].message).toMatch(/^no such folder/);
  });
});
