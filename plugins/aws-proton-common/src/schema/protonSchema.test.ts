import { stringify } from 'yaml';
import { ProtonSchemaError, ProtonValidationIssue } from './issues';
import { parseProtonSchema } from './protonSchema';

function serviceSchemaText(
  types: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): string {
  return stringify({
    schema: {
      format: { openapi: '3.0.0' },
      service_input_type: 'ServiceInput',
      ...extra,
      types,
    },
  });
}

function withProperties(properties: Record<string, unknown>, more = {}) {
  return serviceSchemaText({
    ServiceInput: { type: 'object', properties, ...more },
  });
}

function rejection(text: string): ProtonSchemaError {
  try {
    parseProtonSchema(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ProtonSchemaError);
    return error as ProtonSchemaError;
  }
  throw new Error('expected the schema to be rejected');
}

function issues(
  text: string,
): Array<Pick<ProtonValidationIssue, 'path' | 'message'>> {
  return rejection(text).issues.map(({ path, message }) => ({ path, message }));
}

describe('parseProtonSchema', () => {
  it('reads a service schema with every supported keyword', () => {
    const schema = parseProtonSchema(`
schema:
  format:
    openapi: "3.0.0"
  service_input_type: "ServiceInput"
  pipeline_input_type: "PipelineInputs"
  types:
    ServiceInput:
      type: object
      description: "Service inputs"
      properties:
        port: { type: number, default: 80, minimum: 0, maximum: 65535, title: Port, description: The port }
        ratio: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true }
        count: { type: integer, default: 1 }
        name: { type: string, pattern: "^[a-z]+$", minLength: 1, maxLength: 100 }
        subnets: { type: array, items: { type: string }, minItems: 1, maxItems: 3, uniqueItems: true }
        size: { type: string, enum: [small, medium, large], default: small }
        flag: { type: boolean }
        nested: { $ref: '#/types/Other', title: Nested }
      required: [name]
    Other:
      type: object
      properties:
        cidr: { type: string, default: 10.0.0.0/16 }
    PipelineInputs:
      type: object
      properties:
        dockerfile: { type: string, default: Dockerfile }
`);
    expect(schema.templateKind).toBe('service');
    expect(schema.format).toEqual({ openapi: '3.0.0' });
    expect(schema.serviceInputType).toBe('ServiceInput');
    expect(schema.pipelineInputType).toBe('PipelineInputs');
    expect(schema.environmentInputType).toBeUndefined();
    expect(schema.warnings).toEqual([]);
    expect(Object.keys(schema.types)).toEqual([
      'ServiceInput',
      'Other',
      'PipelineInputs',
    ]);
    const input = schema.types.ServiceInput;
    expect(input.required).toEqual(['name']);
    expect(input.properties?.port).toEqual({
      type: 'number',
      default: 80,
      minimum: 0,
      maximum: 65535,
      title: 'Port',
      description: 'The port',
    });
    expect(input.properties?.ratio?.exclusiveMinimum).toBe(true);
    expect(input.properties?.subnets?.items).toEqual({ type: 'string' });
    expect(input.properties?.nested).toEqual({
      $ref: '#/types/Other',
      title: 'Nested',
    });
  });

  it('reads an environment schema, and JSON text as the Proton API returns it', () => {
    const schema = parseProtonSchema(
      JSON.stringify({
        schema: {
          format: { openapi: '3.0.0' },
          environment_input_type: 'Env',
          types: {
            Env: { type: 'object', properties: { a: { type: 'string' } } },
          },
        },
      }),
    );
    expect(schema.templateKind).toBe('environment');
    expect(schema.environmentInputType).toBe('Env');
    expect(schema.serviceInputType).toBeUndefined();
  });

  it('reports invalid YAML with its line', () => {
    const error = rejection('schema:\n  format: [\n');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].message).toMatch(/^invalid YAML: /);
    expect(error.issues[0].line).toBeGreaterThanOrEqual(2);
  });

  it('rejects duplicate keys', () => {
    const error = rejection('schema:\n  types: {}\n  types: {}\n');
    expect(error.issues[0].message).toMatch(/invalid YAML: .*unique/i);
  });

  it('rejects a document without a schema mapping', () => {
    expect(issues('')).toEqual([
      {
        path: '',
        message: 'must be a mapping: the file needs a top-level schema mapping',
      },
    ]);
    expect(issues('other: 1')).toEqual([
      {
        path: 'schema',
        message: 'must be a mapping: the file needs a top-level schema mapping',
      },
    ]);
    expect(() => parseProtonSchema(undefined as unknown as string)).toThrow(
      ProtonSchemaError,
    );
  });

  it('reports every problem at once, each with its line', () => {
    const error = rejection(`schema:
  format:
    openapi: 3.1.0
  service_input_type: Missing
  extra: 1
  types:
    ServiceInput:
      type: object
      properties:
        port:
          type: number
          format: int32
        name:
          type: string
          minimum: 3
`);
    expect(
      error.issues.map(({ path, message, line }) => ({ path, message, line })),
    ).toEqual([
      {
        path: 'schema.extra',
        message: expect.stringMatching(/^is not supported/),
        line: 5,
      },
      {
        path: 'schema.format.openapi',
        message: 'must be "3.0.0" (a quoted OpenAPI 3.0 version)',
        line: 3,
      },
      {
        path: 'schema.types.ServiceInput.properties.port.format',
        message: expect.stringMatching(
          /^is not a supported keyword \(Proton schemas support \$ref, type/,
        ),
        line: 12,
      },
      {
        path: 'schema.types.ServiceInput.properties.name.minimum',
        message: 'applies only to type number and integer',
        line: 15,
      },
    ]);
    expect(error.message).toContain('4 problems in the Proton schema:');
    expect(error.message).toContain(
      'schema.types.ServiceInput.properties.name.minimum: applies only to type number and integer (line 15, column 20)',
    );
  });

  it('reports input types that are not defined', () => {
    expect(issues(serviceSchemaText({ Other: { type: 'object' } }))).toEqual([
      {
        path: 'schema.service_input_type',
        message:
          'names type "ServiceInput", which schema.types does not define',
      },
    ]);
    expect(
      issues(
        stringify({
          schema: {
            format: { openapi: '3.0.0' },
            environment_input_type: 'constructor',
            types: {},
          },
        }),
      ),
    ).toEqual([
      {
        path: 'schema.environment_input_type',
        message: 'names type "constructor", which schema.types does not define',
      },
    ]);
  });

  it('accepts an undefined pipeline_input_type with a warning', () => {
    const schema = parseProtonSchema(
      serviceSchemaText(
        { ServiceInput: { type: 'object' } },
        { pipeline_input_type: 'PipelineInputs' },
      ),
    );
    expect(schema.pipelineInputType).toBe('PipelineInputs');
    expect(schema.warnings).toEqual([
      {
        path: 'schema.pipeline_input_type',
        message:
          'names type "PipelineInputs", which schema.types does not define; the pipeline is treated as declaring no inputs',
        line: 5,
        column: 24,
      },
    ]);
  });

  it('requires exactly one of environment_input_type and service_input_type', () => {
    expect(
      issues(
        stringify({ schema: { format: { openapi: '3.0.0' }, types: {} } }),
      ),
    ).toEqual([
      {
        path: 'schema',
        message:
          'must name environment_input_type (environment templates) or service_input_type (service templates)',
      },
    ]);
    const both = stringify({
      schema: {
        format: { openapi: '3.0.0' },
        environment_input_type: 'A',
        service_input_type: 'A',
        pipeline_input_type: 'A',
        types: { A: { type: 'object' } },
      },
    });
    expect(issues(both).map(issue => issue.path)).toEqual([
      'schema.service_input_type',
      'schema.pipeline_input_type',
    ]);
  });

  it('requires input types to be objects', () => {
    expect(
      issues(serviceSchemaText({ ServiceInput: { type: 'string' } })),
    ).toEqual([
      {
        path: 'schema.types.ServiceInput',
        message: 'must be of type object: it is the service_input_type',
      },
    ]);
    // Through a $ref, the referenced type counts.
    const aliased = parseProtonSchema(
      serviceSchemaText({
        ServiceInput: { $ref: '#/types/Real' },
        Real: { type: 'object' },
      }),
    );
    expect(aliased.types.ServiceInput).toEqual({ $ref: '#/types/Real' });
  });

  it('reports bad $refs: form, missing target, siblings, cycles', () => {
    expect(
      issues(
        withProperties({
          a: { $ref: '#/components/schemas/A' },
          b: { $ref: '#/types/Nope' },
          c: { $ref: '#/types/Other', type: 'string' },
        }),
      ),
    ).toEqual([
      {
        path: 'schema.types.ServiceInput.properties.a.$ref',
        message: 'must be a reference of the form #/types/<name>',
      },
      {
        path: 'schema.types.ServiceInput.properties.c.type',
        message:
          'cannot be combined with $ref (only title and description can)',
      },
      {
        path: 'schema.types.ServiceInput.properties.b.$ref',
        message: 'refers to type "Nope", which schema.types does not define',
      },
      {
        path: 'schema.types.ServiceInput.properties.c.$ref',
        message: 'refers to type "Other", which schema.types does not define',
      },
    ]);
    const cyclic = serviceSchemaText({
      ServiceInput: {
        type: 'object',
        properties: { a: { $ref: '#/types/A' } },
      },
      A: { type: 'object', properties: { b: { $ref: '#/types/B' } } },
      B: { type: 'array', items: { $ref: '#/types/A' } },
    });
    expect(issues(cyclic)).toEqual([
      {
        path: 'schema.types.A.properties.b.$ref',
        message: 'is circular (A -> B -> A); inputs must be finite',
      },
      {
        path: 'schema.types.B.items.$ref',
        message: 'is circular (B -> A -> B); inputs must be finite',
      },
    ]);
  });

  it('checks defaults and enum values against their own schema', () => {
    expect(
      issues(
        withProperties({
          port: { type: 'number', default: 70000, maximum: 65535 },
          size: { type: 'string', enum: ['small', 3] },
          tier: { type: 'string', enum: ['a', 'b'], default: 'c' },
          cidr: {
            type: 'string',
            pattern: '^10\\.',
            default: '192.168.0.0/16',
          },
          tags: {
            type: 'array',
            items: { type: 'string' },
            default: ['ok', 1],
          },
          network: {
            type: 'object',
            properties: { cidr: { type: 'string' } },
            default: { cidr: 1, other: true },
          },
        }),
      ),
    ).toEqual([
      {
        path: 'schema.types.ServiceInput.properties.port.default',
        message: 'must be <= 65535',
      },
      {
        path: 'schema.types.ServiceInput.properties.size.enum[1]',
        message: 'must be a string',
      },
      {
        path: 'schema.types.ServiceInput.properties.tier.default',
        message: 'must be one of "a", "b"',
      },
      {
        path: 'schema.types.ServiceInput.properties.cidr.default',
        message: 'is not in the expected form (pattern ^10\\.)',
      },
      {
        path: 'schema.types.ServiceInput.properties.tags.default',
        message: '[1]: must be a string',
      },
      {
        path: 'schema.types.ServiceInput.properties.network.default',
        message: 'cidr: must be a string',
      },
      {
        path: 'schema.types.ServiceInput.properties.network.default',
        message: 'other: is not declared in properties',
      },
    ]);
  });

  it('keeps type names such as __proto__ and constructor as plain data', () => {
    const schema = parseProtonSchema(
      serviceSchemaText({
        ServiceInput: {
          type: 'object',
          properties: { a: { $ref: '#/types/constructor' } },
        },
        constructor: { type: 'string' },
      }),
    );
    expect(Object.hasOwn(schema.types, 'constructor')).toBe(true);
    expect(schema.types.constructor).toEqual({ type: 'string' });
  });
});
