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

describe('schema objects', () => {
  it('reports the exact path and message of an unsupported type', () => {
    expect(issues(withProperties({ port: { type: 'int' } }))).toEqual([
      {
        path: 'schema.types.ServiceInput.properties.port.type',
        message:
          'must be one of string, number, integer, boolean, array, object',
      },
    ]);
  });

  it('checks keyword values and consistency', () => {
    expect(
      issues(
        withProperties({
          a: { type: 'number', minimum: 'one' },
          b: { type: 'number', minimum: 5, maximum: 1 },
          c: { type: 'string', minLength: -1 },
          d: { type: 'string', pattern: '([a-z' },
          e: { type: 'number', exclusiveMinimum: true },
          f: { type: 'number', exclusiveMaximum: 10, maximum: 10 },
          g: { type: 'array' },
          h: { type: 'string', enum: [] },
          i: { type: 'string', enum: ['x', 'x'] },
          j: { description: 'no type' },
          k: 'not an object',
          l: {
            type: 'object',
            properties: { x: { type: 'string' } },
            required: ['y'],
          },
        }),
      ),
    ).toEqual([
      {
        path: 'schema.types.ServiceInput.properties.a.minimum',
        message: 'must be a number',
      },
      {
        path: 'schema.types.ServiceInput.properties.b.maximum',
        message: 'must be greater than or equal to minimum (5)',
      },
      {
        path: 'schema.types.ServiceInput.properties.c.minLength',
        message: 'must be a non-negative integer',
      },
      {
        path: 'schema.types.ServiceInput.properties.d.pattern',
        message: expect.stringMatching(/^is not a valid regular expression: /),
      },
      {
        path: 'schema.types.ServiceInput.properties.e.exclusiveMinimum',
        message: 'requires minimum (OpenAPI 3.0 form)',
      },
      {
        path: 'schema.types.ServiceInput.properties.f.exclusiveMaximum',
        message: 'must be true or false',
      },
      {
        path: 'schema.types.ServiceInput.properties.g.items',
        message: 'is required for type array',
      },
      {
        path: 'schema.types.ServiceInput.properties.h.enum',
        message: 'must be a non-empty list of allowed values',
      },
      {
        path: 'schema.types.ServiceInput.properties.i.enum',
        message: 'lists "x" more than once',
      },
      {
        path: 'schema.types.ServiceInput.properties.j.type',
        message:
          'is required: one of string, number, integer, boolean, array, object',
      },
      {
        path: 'schema.types.ServiceInput.properties.k',
        message: 'must be a schema object (a mapping with type or $ref)',
      },
      {
        path: 'schema.types.ServiceInput.properties.l.required',
        message: 'names "y", which is not declared in properties',
      },
    ]);
  });

  it('keeps type-specific keywords on their types', () => {
    expect(
      issues(
        withProperties({
          a: {
            type: 'boolean',
            maxLength: 3,
            items: { type: 'string' },
            properties: {},
          },
        }),
      ).map(issue => issue.message),
    ).toEqual([
      'applies only to type string',
      'applies only to type array',
      'applies only to type object',
    ]);
  });

  it('ignores OpenAPI extensions with a warning', () => {
    const schema = parseProtonSchema(
      withProperties({ a: { type: 'string', 'x-ui': 'text' } }),
    );
    expect(schema.types.ServiceInput.properties?.a).toEqual({ type: 'string' });
    expect(
      schema.warnings.map(({ path, message }) => ({ path, message })),
    ).toEqual([
      {
        path: 'schema.types.ServiceInput.properties.a.x-ui',
        message: 'is an OpenAPI extension, ignored',
      },
    ]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    expect(issues(withProperties({ 'my.input': { type: 'text' } }))).toEqual([
      {
        path: 'schema.types.ServiceInput.properties["my.input"].type',
        message:
          'must be one of string, number, integer, boolean, array, object',
      },
    ]);
  });
});
