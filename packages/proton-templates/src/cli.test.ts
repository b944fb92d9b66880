import { createMockDirectory } from '@backstage/backend-test-utils';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runProtonTemplatesCli } from './cli';

const BUNDLE = {
  'schema/schema.yaml':
    'schema:\n  format:\n    openapi: "3.0.0"\n  environment_input_type: EnvInput\n  types:\n    EnvInput:\n      type: object\n      properties:\n        vpc_cidr:\n          type: string\n',
  'infrastructure/manifest.yaml':
    'infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings:\n        provision: [npm ci]\n        deprovision: [echo done]\n',
  'infrastructure/index.ts':
    "const inputs = JSON.parse(require('fs').readFileSync('proton-inputs.json', 'utf8')).environment.inputs;\nexport const cidr = inputs.vpc_cidr;\n",
};

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runProtonTemplatesCli(
    ['node', 'proton-templates', ...args],
    {
      stdout: text => {
        stdout += text;
      },
      stderr: text => {
        stderr += text;
      },
    },
  );
  return { code, stdout, stderr };
}

describe('proton-templates', () => {
  const dir = createMockDirectory();

  it('validate prints one line per finding and exits 1 on an error', async () => {
    dir.setContent({
      env: {
        ...BUNDLE,
        'infrastructure/index.ts': 'export const a = 1;\n',
        'infrastructure/.env': 'A=1',
      },
    });
    const result = await run('validate', path.join(dir.path, 'env'));
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(
        /^error {3}infrastructure\/\.env: a \.env file must not be in a bundle/,
      ),
      'warning schema/schema.yaml: environment input "vpc_cidr" is not read by infrastructure/',
      `${path.join(dir.path, 'env')}: 1 error(s)`,
      '',
    ]);
  });

  it('validate --json prints the findings as JSON', async () => {
    dir.setContent({ env: BUNDLE });
    const result = await run('validate', path.join(dir.path, 'env'), '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      bundle: path.join(dir.path, 'env'),
      valid: true,
      findings: [],
    });
  });

  it('package writes the archive and prints its sha256 and size', async () => {
    dir.setContent({ env: BUNDLE });
    const output = path.join(dir.path, 'out', 'env.tar.gz');
    const result = await run(
      'package',
      path.join(dir.path, 'env'),
      '-o',
      output,
    );
    expect(result.code).toBe(0);
    const bytes = fs.readFileSync(output);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    expect(result.stdout).toBe(
      `${sha256}  ${bytes.length} bytes  ${output} (3 files)\n`,
    );
  });

  it('package refuses a bundle that does not validate, unless told to skip validation', async () => {
    dir.setContent({ env: { 'schema/schema.yaml': 'nope: 1\n' } });
    const output = path.join(dir.path, 'env.tar.gz');
    const refused = await run(
      'package',
      path.join(dir.path, 'env'),
      '-o',
      output,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('does not validate');
    expect(fs.existsSync(output)).toBe(false);
    const forced = await run(
      'package',
      path.join(dir.path, 'env'),
      '-o',
      output,
      '--skip-validation',
    );
    expect(forced.code).toBe(0);
    expect(fs.existsSync(output)).toBe(true);
  });

  it('exits 2 on a usage error', async () => {
    const result = await run(
      'publish',
      dir.path,
      '--name',
      'x',
      '--type',
      'database',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--type');
  });
});
