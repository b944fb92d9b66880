import Ajv from 'ajv';
import { ProtonSchemaError } from './issues';
import { JSON_SCHEMA_DRAFT_07, toJsonSchema } from './jsonSchema';
import { parseProtonSchema } from './protonSchema';

const serviceSchema = parseProtonSchema(`
schema:
  format:
    openapi: "3.0.0"
  service_input_type: ServiceInput
  pipeline_input_type: PipelineInputs
  types:
    ServiceInput:
      type: object
      description: Service inputs
      properties:
        port: { type: number, title: Port, description: The port, default: 80, minimum: 0, maximum: 65535 }
        ratio: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true }
        name: { type: string, pattern: "[a-z]", minLength: 1, maxLength: 10 }
        subnets: { type: array, items: { type: string, enum: [a, b] }, minItems: 1, maxItems: 2, uniqueItems: true }
        flag: { type: boolean, default: false }
        network: { $ref: '#/types/Network', title: Network settings }
        networks: { type: array, items: { $ref: '#/types/Network' } }
      required: [name]
    Network:
      type: object
      title: A network
      description: Where it runs
      properties:
        cidr: { type: string, default: 10.0.0.0/16 }
      required: [cidr]
    PipelineInputs:
      type: object
      properties:
        dockerfile: { type: string, default: Dockerfile }
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
        vpc_cidr: { type: string, default: 10.0.0.0/16 }
`);

describe('toJsonSchema', () => {
  const network = {
    type: 'object',
    title: 'A network',
    description: 'Where it runs',
    properties: { cidr: { type: 'string', default: '10.0.0.0/16' } },
    additionalProperties: false,
    required: ['cidr'],
  };

  it('converts service inputs to draft-07, inlining $refs and keeping annotations and constraints', () => {
    expect(toJsonSchema(serviceSchema, 'service')).toEqual({
      $schema: JSON_SCHEMA_DRAFT_07,
      type: 'object',
      description: 'Service inputs',
      properties: {
        port: {
          type: 'number',
          title: 'Port',
          description: 'The port',
          default: 80,
          minimum: 0,
          maximum: 65535,
        },
        ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        name: { type: 'string', pattern: '[a-z]', minLength: 1, maxLength: 10 },
        subnets: {
          type: 'array',
          items: { type: 'string', enum: ['a', 'b'] },
          minItems: 1,
          maxItems: 2,
          uniqueItems: true,
        },
        flag: { type: 'boolean', default: false },
        network: { ...network, title: 'Network settings' },
        networks: { type: 'array', items: network },
      },
      additionalProperties: false,
      required: ['name'],
    });
  });

  it('converts pipeline and environment inputs', () => {
    expect(toJsonSchema(serviceSchema, 'pipeline')).toEqual({
      $schema: JSON_SCHEMA_DRAFT_07,
      type: 'object',
      properties: { dockerfile: { type: 'string', default: 'Dockerfile' } },
      additionalProperties: false,
    });
    expect(toJsonSchema(environmentSchema, 'environment').properties).toEqual({
      vpc_cidr: { type: 'string', default: '10.0.0.0/16' },
    });
  });

  it('leaves objects open when asked', () => {
    const schema = toJsonSchema(serviceSchema, 'service', {
      allowUndeclaredInputs: true,
    });
    expect(schema.additionalProperties).toBeUndefined();
    expect(schema.properties?.network.additionalProperties).toBeUndefined();
  });

  it('gives a template without pipeline inputs an empty pipeline object', () => {
    const noPipeline = parseProtonSchema(`
schema:
  format: { openapi: "3.0.0" }
  service_input_type: S
  types: { S: { type: object } }
`);
    expect(toJsonSchema(noPipeline, 'pipeline')).toEqual({
      $schema: JSON_SCHEMA_DRAFT_07,
      type: 'object',
      properties: {},
      additionalProperties: false,
    });
    // A free-form object (no properties) stays open.
    expect(toJsonSchema(noPipeline, 'service')).toEqual({
      $schema: JSON_SCHEMA_DRAFT_07,
      type: 'object',
    });
  });

  it('refuses inputs the template kind does not have', () => {
    expect(() => toJsonSchema(serviceSchema, 'environment')).toThrow(
      ProtonSchemaError,
    );
    expect(() => toJsonSchema(environmentSchema, 'service')).toThrow(
      'schema.service_input_type: is not available: this is the schema of an environment template, which has environment inputs only',
    );
    expect(() => toJsonSchema(environmentSchema, 'pipeline')).toThrow(
      ProtonSchemaError,
    );
  });

  it('refuses hand-built schemas with unresolvable or circular $refs', () => {
    const broken = {
      ...serviceSchema,
      types: {
        ServiceInput: {
          type: 'object' as const,
          properties: { a: { $ref: '#/types/Gone' } },
        },
      },
    };
    expect(() => toJsonSchema(broken, 'service')).toThrow(
      '$ref "#/types/Gone" cannot be resolved',
    );
    const circular = {
      ...serviceSchema,
      types: {
        ServiceInput: {
          type: 'object' as const,
          properties: { a: { $ref: '#/types/ServiceInput' } },
        },
      },
    };
    expect(() => toJsonSchema(circular, 'service')).toThrow(
      'is circular (ServiceInput -> ServiceInput)',
    );
  });

  it('returns fresh plain data that does not share state with the schema', () => {
    const first = toJsonSchema(serviceSchema, 'service');
    (first.properties!.subnets.items!.enum as unknown[]).push('c');
    first.properties!.network.properties!.cidr.default = 'changed';
    const second = toJsonSchema(serviceSchema, 'service');
    expect(second.properties!.subnets.items!.enum).toEqual(['a', 'b']);
    expect(second.properties!.network.properties!.cidr.default).toBe(
      '10.0.0.0/16',
    );
    expect(JSON.parse(JSON.stringify(second))).toEqual(second);
  });

  it('produces schemas that a strict ajv compiles and that validate as Proton would', () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    const validate = ajv.compile(toJsonSchema(serviceSchema, 'service'));
    expect(validate({ name: 'x', ratio: 0.5 })).toBe(true);
    // Bounds made exclusive by the OpenAPI 3.0 booleans.
    expect(validate({ name: 'x', ratio: 0 })).toBe(false);
    expect(validate({ name: 'x', ratio: 1 })).toBe(false);
    // Patterns are unanchored: containing a match is enough.
    expect(validate({ name: 'ABCx1' })).toBe(true);
    expect(validate({ name: 'ABC' })).toBe(false);
    expect(validate({ name: 'x', network: {} })).toBe(false);
  });
});
