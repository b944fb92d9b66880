import { formatSpecErrors, ProtonSchemaError } from './issues';
import { parseProtonSchema } from './protonSchema';
import { ProtonServiceSpec, parseProtonSpec } from './protonSpec';
import {
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
  validateServiceSpec,
} from './specValidation';

const serviceSchema = parseProtonSchema(`
schema:
  format:
    openapi: "3.0.0"
  service_input_type: ServiceInput
  pipeline_input_type: PipelineInputs
  types:
    ServiceInput:
      type: object
      properties:
        port: { type: number, default: 80, minimum: 0, maximum: 65535 }
        name: { type: string, pattern: "^[a-z]+$", minLength: 2, maxLength: 10 }
        size: { type: string, enum: [small, medium, large], default: small }
        replicas: { type: integer, minimum: 1, exclusiveMinimum: true }
        subnets: { type: array, items: { type: string, pattern: "^subnet-" }, maxItems: 2, uniqueItems: true }
        flag: { type: boolean }
        network: { $ref: '#/types/Network' }
      required: [name]
    Network:
      type: object
      properties:
        cidr: { type: string, default: 10.0.0.0/16 }
        public: { type: boolean, default: false }
    PipelineInputs:
      type: object
      properties:
        dockerfile: { type: string, default: Dockerfile }
        test_command: { type: string }
      required: [test_command]
`);

const environmentSchema = parseProtonSchema(`
schema:
  format:
    openapi: "3.0.0"
  environment_input_type: Env
  types:
    Env:
      type: object
      properties:
        vpc_cidr: { type: string, default: 10.0.0.0/16, pattern: "([0-9]{1,3}\\\\.){3}[0-9]{1,3}($|/(16|18|24))" }
        ttl: { type: string }
      required: [ttl]
`);

function serviceSpec(...specs: Record<string, unknown>[]): ProtonServiceSpec {
  return {
    proton: 'ServiceSpec',
    pipeline: { test_command: 'make test' },
    instances: specs.map((spec, index) => ({
      name: `i${index}`,
      environment: 'env',
      spec,
    })),
  };
}

describe('validateServiceSpec', () => {
  it('accepts a valid spec and fills in defaults without changing the input', () => {
    const spec = serviceSpec({ name: 'web', network: {} });
    const input = JSON.parse(JSON.stringify(spec));
    const result = validateServiceSpec(serviceSchema, spec);
    expect(result).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      spec: {
        proton: 'ServiceSpec',
        pipeline: { test_command: 'make test', dockerfile: 'Dockerfile' },
        instances: [
          {
            name: 'i0',
            environment: 'env',
            spec: {
              name: 'web',
              port: 80,
              size: 'small',
              network: { cidr: '10.0.0.0/16', public: false },
            },
          },
        ],
      },
    });
    expect(spec).toEqual(input);
    // Defaults are copies: changing one result does not leak into the next.
    (result.spec.instances[0].spec.network as Record<string, unknown>).cidr =
      'x';
    expect(
      validateServiceSpec(
        serviceSchema,
        serviceSpec({ name: 'web', network: {} }),
      ).spec.instances[0].spec.network,
    ).toEqual({ cidr: '10.0.0.0/16', public: false });
  });

  it('reports every bad field with its exact path', () => {
    const result = validateServiceSpec(
      serviceSchema,
      serviceSpec(
        { name: 'ok' },
        {
          port: 70000,
          name: 'A',
          size: 'huge',
          replicas: 1,
          subnets: ['subnet-1', 'vpc-2', 'subnet-1'],
          flag: 'yes',
          network: { cidr: 5 },
        },
      ),
    );
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([
      { path: 'instances[1].spec.port', message: 'must be <= 65535' },
      {
        path: 'instances[1].spec.name',
        message: 'must have at least 2 characters',
      },
      {
        path: 'instances[1].spec.name',
        message: 'is not in the expected form',
        detail: 'pattern ^[a-z]+$',
      },
      {
        path: 'instances[1].spec.size',
        message: 'must be one of "small", "medium", "large"',
      },
      { path: 'instances[1].spec.replicas', message: 'must be > 1' },
      {
        path: 'instances[1].spec.subnets',
        message: 'must have at most 2 items',
      },
      {
        path: 'instances[1].spec.subnets[1]',
        message: 'is not in the expected form',
        detail: 'pattern ^subnet-',
      },
      {
        path: 'instances[1].spec.subnets',
        message: 'must not repeat items (items 0 and 2 are equal)',
      },
      { path: 'instances[1].spec.flag', message: 'must be a boolean' },
      { path: 'instances[1].spec.network.cidr', message: 'must be a string' },
    ]);
    expect(formatSpecErrors(result.errors.slice(0, 3))).toBe(
      [
        '3 problems in the spec:',
        '  - instances[1].spec.port: must be <= 65535',
        '  - instances[1].spec.name: must have at least 2 characters',
        '  - instances[1].spec.name: is not in the expected form (pattern ^[a-z]+$)',
      ].join('\n'),
    );
  });

  it('reports missing required inputs and wrong types of whole sections', () => {
    const result = validateServiceSpec(serviceSchema, {
      proton: 'ServiceSpec',
      pipeline: {},
      instances: [
        { name: 'a', environment: 'env', spec: {} },
        {
          name: 'b',
          environment: 'env',
          spec: 'oops' as unknown as Record<string, unknown>,
        },
      ],
    });
    expect(result.errors).toEqual([
      { path: 'pipeline.test_command', message: 'is required' },
      { path: 'instances[0].spec.name', message: 'is required' },
      { path: 'instances[1].spec', message: 'must be a mapping' },
    ]);
  });

  it('checks an absent pipeline section when the template defines pipeline inputs', () => {
    const result = validateServiceSpec(serviceSchema, {
      proton: 'ServiceSpec',
      instances: [{ name: 'a', environment: 'env', spec: { name: 'web' } }],
    });
    expect(result.errors).toEqual([
      { path: 'pipeline.test_command', message: 'is required' },
    ]);
    expect(result.spec.pipeline).toEqual({ dockerfile: 'Dockerfile' });
  });

  it('reports structural problems of the spec object too', () => {
    const result = validateServiceSpec(serviceSchema, {
      proton: 'ServiceSpec',
      pipeline: { test_command: 't' },
      instances: [
        { name: 'a', environment: 'env', spec: { name: 'web' } },
        { name: 'a', environment: 'env', spec: { name: 'web' } },
      ],
    });
    expect(result.errors).toEqual([
      {
        path: 'instances[1].name',
        message: 'repeats the name of instances[0]',
      },
    ]);
  });

  describe('undeclared inputs', () => {
    const spec = {
      proton: 'ServiceSpec' as const,
      pipeline: { test_command: 't', environment_account_ids: '' },
      instances: [
        {
          name: 'a',
          environment: 'env',
          spec: { name: 'web', extra: 1, network: { zone: 'a' } },
        },
      ],
    };

    it('keeps them with a warning by default', () => {
      const result = validateServiceSpec(serviceSchema, spec);
      expect(result.valid).toBe(true);
      expect(result.warnings).toEqual([
        {
          path: 'pipeline.environment_account_ids',
          message: 'is not declared by the template schema; kept unvalidated',
        },
        {
          path: 'instances[0].spec.extra',
          message: 'is not declared by the template schema; kept unvalidated',
        },
        {
          path: 'instances[0].spec.network.zone',
          message: 'is not declared by the template schema; kept unvalidated',
        },
      ]);
      expect(result.spec.pipeline).toEqual({
        test_command: 't',
        environment_account_ids: '',
        dockerfile: 'Dockerfile',
      });
      expect(result.spec.instances[0].spec.extra).toBe(1);
    });

    it('removes them with the strip policy', () => {
      const result = validateServiceSpec(serviceSchema, spec, {
        undeclaredInputs: 'strip',
      });
      expect(result.valid).toBe(true);
      expect(result.warnings.map(warning => warning.message)).toEqual(
        Array(3).fill('is not declared by the template schema; removed'),
      );
      expect(result.spec.pipeline).toEqual({
        test_command: 't',
        dockerfile: 'Dockerfile',
      });
      expect(result.spec.instances[0].spec).toEqual({
        name: 'web',
        port: 80,
        size: 'small',
        network: { cidr: '10.0.0.0/16', public: false },
      });
      expect(spec.pipeline.environment_account_ids).toBe('');
    });

    it('rejects them with the error policy', () => {
      const result = validateServiceSpec(serviceSchema, spec, {
        undeclaredInputs: 'error',
      });
      expect(result.valid).toBe(false);
      expect(result.warnings).toEqual([]);
      expect(result.errors.map(error => error.path)).toEqual([
        'pipeline.environment_account_ids',
        'instances[0].spec.extra',
        'instances[0].spec.network.zone',
      ]);
    });
  });

  it('rejects ${Proton::CURRENT_VAL} unless asked to accept it', () => {
    const spec = serviceSpec({ name: 'web', port: '${Proton::CURRENT_VAL}' });
    expect(validateServiceSpec(serviceSchema, spec).errors).toEqual([
      {
        path: 'instances[0].spec.port',
        message:
          "is ${Proton::CURRENT_VAL}, which keeps an input's current value: only an update of an existing resource can use it",
      },
    ]);
    const accepted = validateServiceSpec(serviceSchema, spec, {
      currentValue: 'accept',
    });
    expect(accepted.valid).toBe(true);
    expect(accepted.spec.instances[0].spec.port).toBe('${Proton::CURRENT_VAL}');
  });

  it('refuses an environment template schema', () => {
    expect(() =>
      validateServiceSpec(environmentSchema, serviceSpec({})),
    ).toThrow(ProtonSchemaError);
  });
});

describe('validateEnvironmentSpec', () => {
  it('validates spec with paths under spec and fills defaults', () => {
    const spec = parseProtonSpec(
      'proton: EnvironmentSpec\nspec:\n  ttl: ttl\n',
      'EnvironmentSpec',
    );
    expect(validateEnvironmentSpec(environmentSchema, spec)).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      spec: {
        proton: 'EnvironmentSpec',
        spec: { ttl: 'ttl', vpc_cidr: '10.0.0.0/16' },
      },
    });
    const bad = validateEnvironmentSpec(environmentSchema, {
      proton: 'EnvironmentSpec',
      spec: { vpc_cidr: 'abc' },
    });
    expect(bad.errors).toEqual([
      { path: 'spec.ttl', message: 'is required' },
      {
        path: 'spec.vpc_cidr',
        message: 'is not in the expected form',
        detail: 'pattern ([0-9]{1,3}\\.){3}[0-9]{1,3}($|/(16|18|24))',
      },
    ]);
  });

  it('treats patterns as unanchored, as Proton did', () => {
    const result = validateEnvironmentSpec(environmentSchema, {
      proton: 'EnvironmentSpec',
      spec: { ttl: 't', vpc_cidr: 'prefix 10.0.0.0/16' },
    });
    expect(result.valid).toBe(true);
  });

  it('refuses a service template schema', () => {
    expect(() =>
      validateEnvironmentSpec(serviceSchema, {
        proton: 'EnvironmentSpec',
        spec: {},
      }),
    ).toThrow(
      'is the schema of a service template; the schema of an environment template is needed here',
    );
  });
});

describe('validateServiceInstanceSpec', () => {
  it('uses paths relative to the inputs, or under a given prefix', () => {
    const inputs = { port: -1 };
    expect(validateServiceInstanceSpec(serviceSchema, inputs).errors).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'port', message: 'must be >= 0' },
    ]);
    expect(
      validateServiceInstanceSpec(serviceSchema, inputs, {
        pathPrefix: 'instances[3].spec',
      }).errors.map(error => error.path),
    ).toEqual(['instances[3].spec.name', 'instances[3].spec.port']);
    expect(inputs).toEqual({ port: -1 });
  });

  it('returns the inputs with defaults', () => {
    expect(validateServiceInstanceSpec(serviceSchema, { name: 'web' })).toEqual(
      {
        valid: true,
        errors: [],
        warnings: [],
        spec: { name: 'web', port: 80, size: 'small' },
      },
    );
  });

  it('quotes odd input names and reports integers', () => {
    const schema = parseProtonSchema(`
schema:
  format: { openapi: "3.0.0" }
  service_input_type: S
  types:
    S:
      type: object
      properties:
        "my.count": { type: integer }
`);
    expect(
      validateServiceInstanceSpec(schema, { 'my.count': 1.5 }).errors,
    ).toEqual([{ path: '["my.count"]', message: 'must be an integer' }]);
  });
});
