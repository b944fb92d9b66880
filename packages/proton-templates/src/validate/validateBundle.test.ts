import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { validateBundle } from './validateBundle';

const SAMPLES = path.resolve(__dirname, '../../../../../shared/proton-samples');
const manifest = 'infrastructure:\n  templates:\n    - rendering_engine: codebuild\n      settings: {}\n';

describe('validateBundle', () => {
  const dir = createMockDirectory();

  it('accepts a bundle with every public sample schema', async () => {
    const samples = fs.readdirSync(SAMPLES).filter(f => f.endsWith('.schema.yaml'));
    expect(samples.length).toBeGreaterThanOrEqual(9);
    for (const sample of samples) {
      const schema = fs.readFileSync(path.join(SAMPLES, sample), 'utf8');
      const folder = /environment_input_type/.test(schema)
        ? 'infrastructure'
        : 'instance_infrastructure';
      dir.setContent({
        'schema/schema.yaml': schema,
        [`${folder}/manifest.yaml`]: manifest,
      });
      const errors = (await validateBundle(dir.path)).filter(
        f => f.severity === 'error',
      );
      expect({ sample, errors }).toEqual({ sample, errors: [] });
    }
  });

  it('reports a missing manifest, a bad schema and node_modules with their paths', async () => {
    dir.setContent({
      'schema/schema.yaml':
        'schema:\n  format:\n    openapi: "3.0.0"\n  service_input_type: Missing\n  types: {}\n',
      'instance_infrastructure/index.ts': '',
      'node_modules/left-pad/index.js': '',
    });
    const findings = await validateBundle(dir.path);
    const paths = findings.filter(f => f.severity === 'error').map(f => f.path);
    expect(paths).toContain('schema/schema.yaml');
    expect(paths).toContain('node_modules/');
  });

  it('requires an infrastructure folder with a manifest', async () => {
    dir.setContent({
      'schema/schema.yaml':
        'schema:\n  format:\n    openapi: "3.0.0"\n  environment_input_type: EnvInput\n  types:\n    EnvInput:\n      type: object\n      properties: {}\n',
      'infrastructure/index.ts': '',
    });
    const findings = await validateBundle(dir.path);
    expect(findings).toContainEqual({
      severity: 'error',
      path: 'infrastructure/manifest.yaml',
      message: 'missing',
    });
  });
});
