import Ajv from 'ajv';
import fs from 'fs';
import path from 'path';
import { checkBackwardCompatibility } from './compatibility';
import { toJsonSchema } from './jsonSchema';
import { parseProtonSchema } from './protonSchema';
import { parseProtonSpec, ProtonServiceSpec } from './protonSpec';
import {
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
  validateServiceSpec,
} from './specValidation';
import type { ProtonInputsKind, ProtonSchema } from './types';

// Real schema.yaml files from public AWS Proton sample repositories (see the folder's README). The
// folder is part of the repository's shared test data: when it is missing these tests fail.
const SAMPLES = path.resolve(__dirname, '../../../../../shared/proton-samples');

const KNOWN_SCHEMAS = [
  'cfn-albfargate-svc.schema.yaml',
  'cfn-fargate-env.schema.yaml',
  'cfn-lambda-crud-svc.schema.yaml',
  'cfn-lambda-env.schema.yaml',
  'cfn-loadbalanced-fargate-svc.schema.yaml',
  'codebuild-pulumi-vpc-ecs-cluster-env.schema.yaml',
  'codebuild-tf-ecs-fargate-lb-service.schema.yaml',
  'pulumi-workshop-service-container.schema.yaml',
  'tf-load-balanced-fargate-svc.schema.yaml',
];

function read(name: string): string {
  return fs.readFileSync(path.join(SAMPLES, name), 'utf8');
}

function sample(name: string): ProtonSchema {
  return parseProtonSchema(read(name));
}

const found = fs.existsSync(SAMPLES)
  ? fs.readdirSync(SAMPLES).filter(name => name.endsWith('.schema.yaml'))
  : [];
const allSchemas = [...new Set([...KNOWN_SCHEMAS, ...found])].sort();

describe('AWS Proton sample templates', () => {
  it('has the samples folder with every known schema', () => {
    expect(fs.existsSync(SAMPLES)).toBe(true);
    expect(found).toEqual(expect.arrayContaining(KNOWN_SCHEMAS));
  });

  it.each(allSchemas)(
    'accepts %s and converts every kind of its inputs',
    name => {
      const text = read(name);
      const schema = parseProtonSchema(text);
      expect(schema.templateKind).toBe(
        text.includes('environment_input_type') ? 'environment' : 'service',
      );
      // Only this sample names a pipeline_input_type that it does not define.
      const expectedWarnings =
        name === 'cfn-albfargate-svc.schema.yaml'
          ? ['schema.pipeline_input_type']
          : [];
      expect(schema.warnings.map(warning => warning.path)).toEqual(
        expectedWarnings,
      );
      const kinds: ProtonInputsKind[] =
        schema.templateKind === 'environment'
          ? ['environment']
          : ['service', 'pipeline'];
      const strictAjv = new Ajv({ strict: true, allErrors: true });
      for (const kind of kinds) {
        const jsonSchema = toJsonSchema(schema, kind);
        expect(jsonSchema.type).toBe('object');
        // Valid draft-07 under strict mode: no keyword that ajv (or a form) would not know.
        const validate = strictAjv.compile(jsonSchema);
        // The declared defaults are valid values (the parser checks this; here through a second ajv).
        const defaults = Object.fromEntries(
          Object.entries(jsonSchema.properties ?? {}).flatMap(
            ([key, property]) =>
              property.default !== undefined ? [[key, property.default]] : [],
          ),
        );
        expect(validate(defaults)).toBe(true);
      }
    },
  );

  it('fills every default of an empty input set', () => {
    const schema = sample('cfn-loadbalanced-fargate-svc.schema.yaml');
    expect(validateServiceInstanceSpec(schema, {}).spec).toEqual({
      port: 80,
      health_check_path: '/',
      desired_count: 1,
      task_size: 'x-small',
      image: 'public.ecr.aws/nginx/nginx:1.21',
    });
    const environment = sample('cfn-lambda-env.schema.yaml');
    const result = validateEnvironmentSpec(environment, {
      proton: 'EnvironmentSpec',
      spec: {},
    });
    // ttl_attribute is required and has a default: the default satisfies it.
    expect(result).toMatchObject({
      valid: true,
      spec: { spec: { ttl_attribute: 'ttl' } },
    });
  });

  describe('cfn-loadbalanced-fargate-svc.spec.yaml, a real service spec', () => {
    let schema: ProtonSchema;
    let spec: ProtonServiceSpec;
    beforeAll(() => {
      schema = sample('cfn-loadbalanced-fargate-svc.schema.yaml');
      spec = parseProtonSpec(
        read('cfn-loadbalanced-fargate-svc.spec.yaml'),
        'ServiceSpec',
      );
    });

    it('is valid; the undeclared pipeline.environment_account_ids is kept with a warning', () => {
      const result = validateServiceSpec(schema, spec);
      expect(result.valid).toBe(true);
      expect(result.errors).toEqual([]);
      expect(result.warnings).toEqual([
        {
          path: 'pipeline.environment_account_ids',
          message: 'is not declared by the template schema; kept unvalidated',
        },
      ]);
      expect(result.spec).toEqual({
        proton: 'ServiceSpec',
        pipeline: {
          unit_test_command: 'ls',
          environment_account_ids: '',
          dockerfile: 'Dockerfile',
        },
        instances: [
          {
            name: 'frontend-dev',
            environment: 'Beta',
            spec: {
              desired_count: 2,
              port: 80,
              task_size: 'medium',
              health_check_path: '/',
              image: 'public.ecr.aws/nginx/nginx:1.21',
            },
          },
        ],
      });
    });

    it('can drop or reject the undeclared key instead', () => {
      const stripped = validateServiceSpec(schema, spec, {
        undeclaredInputs: 'strip',
      });
      expect(stripped.valid).toBe(true);
      expect(stripped.spec.pipeline).not.toHaveProperty(
        'environment_account_ids',
      );
      const strict = validateServiceSpec(schema, spec, {
        undeclaredInputs: 'error',
      });
      expect(strict.valid).toBe(false);
      expect(strict.errors).toEqual([
        {
          path: 'pipeline.environment_account_ids',
          message: 'is not declared by the template schema',
        },
      ]);
    });

    it('validates the key where a template declares it (tf-load-balanced-fargate-svc)', () => {
      const declaring = sample('tf-load-balanced-fargate-svc.schema.yaml');
      const result = validateServiceSpec(declaring, spec);
      expect(result.valid).toBe(true);
      expect(result.warnings).toEqual([]);
      const bad = validateServiceSpec(declaring, {
        ...spec,
        pipeline: { ...spec.pipeline, environment_account_ids: '1234' },
      });
      expect(bad.errors).toEqual([
        {
          path: 'pipeline.environment_account_ids',
          // in words from the input's description, the pattern as a detail
          message:
            'is not in the expected form: The environment account ids for service instances using cross account environment, separated by ,',
          detail: 'pattern ^$|^\\d{12}(,\\d{12})*$',
        },
      ]);
    });

    it('reports bad values with their paths', () => {
      const result = validateServiceSpec(schema, {
        ...spec,
        instances: [
          ...spec.instances,
          {
            name: 'frontend-prod',
            environment: 'Prod',
            spec: { port: 70000, task_size: 'huge', image: '' },
          },
        ],
      });
      expect(result.errors).toEqual([
        { path: 'instances[1].spec.port', message: 'must be <= 65535' },
        {
          path: 'instances[1].spec.task_size',
          message:
            'must be one of "x-small", "small", "medium", "large", "x-large"',
        },
        {
          path: 'instances[1].spec.image',
          message: 'must have at least 1 character',
        },
      ]);
    });
  });

  it('treats cfn-fargate-env patterns as unanchored, as Proton did', () => {
    const schema = sample('cfn-fargate-env.schema.yaml');
    const check = (vpc_cidr: string) =>
      validateEnvironmentSpec(schema, {
        proton: 'EnvironmentSpec',
        spec: { vpc_cidr },
      }).errors;
    expect(check('10.0.0.0/16')).toEqual([]);
    // Containing a match is enough: text around it is not checked.
    expect(check('cidr=10.0.0.0/16')).toEqual([]);
    expect(check('10.0.0.0/160')).toEqual([]);
    const mismatch = [
      {
        path: 'spec.vpc_cidr',
        message: 'is not in the expected form: This CIDR range for your VPC',
        detail: 'pattern ([0-9]{1,3}\\.){3}[0-9]{1,3}($|/(16|18|24))',
      },
    ];
    expect(check('10.0.0.0/20')).toEqual(mismatch);
    expect(check('10.0.0/16')).toEqual(mismatch);
  });

  it('keeps `type: number` as number: fractional values pass, as in Proton', () => {
    const schema = sample('cfn-albfargate-svc.schema.yaml');
    expect(
      validateServiceInstanceSpec(schema, { port: 80.5, desired_count: 2 })
        .valid,
    ).toBe(true);
    expect(validateServiceInstanceSpec(schema, { port: '80' }).errors).toEqual([
      { path: 'port', message: 'must be a number' },
    ]);
  });

  it('treats the undefined pipeline type of cfn-albfargate-svc as declaring no inputs', () => {
    const schema = sample('cfn-albfargate-svc.schema.yaml');
    expect(toJsonSchema(schema, 'pipeline').properties).toEqual({});
    const result = validateServiceSpec(schema, {
      proton: 'ServiceSpec',
      pipeline: { unit_test_command: 'ls' },
      instances: [{ name: 'a', environment: 'b', spec: {} }],
    });
    expect(result.valid).toBe(true);
    expect(result.warnings.map(warning => warning.path)).toEqual([
      'pipeline.unit_test_command',
    ]);
  });

  it('compares real template versions', () => {
    const older = sample('cfn-loadbalanced-fargate-svc.schema.yaml');
    const newer = sample('tf-load-balanced-fargate-svc.schema.yaml');
    // The newer schema only adds optional inputs with defaults.
    expect(checkBackwardCompatibility(older, newer, 'service')).toEqual([]);
    expect(checkBackwardCompatibility(older, newer, 'pipeline')).toEqual([]);
    expect(
      checkBackwardCompatibility(newer, older, 'service').map(issue => [
        issue.path,
        issue.rule,
      ]),
    ).toEqual([
      ['subnet_type', 'input-removed'],
      ['loadbalancer_type', 'input-removed'],
      ['backendurl', 'input-removed'],
    ]);
    expect(
      checkBackwardCompatibility(newer, older, 'pipeline').map(
        issue => issue.path,
      ),
    ).toEqual(['service_dir', 'environment_account_ids']);
  });
});
