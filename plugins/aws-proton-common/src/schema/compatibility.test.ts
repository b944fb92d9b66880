import { stringify } from 'yaml';
import { checkBackwardCompatibility } from './compatibility';
import { ProtonSchemaError } from './issues';
import { parseProtonSchema } from './protonSchema';
import type { ProtonSchema } from './types';

function service(
  properties: Record<string, unknown>,
  required: string[] = [],
  extra: Record<string, unknown> = {},
): ProtonSchema {
  return parseProtonSchema(
    stringify({
      schema: {
        format: { openapi: '3.0.0' },
        service_input_type: 'ServiceInput',
        ...extra,
        types: {
          ServiceInput: {
            type: 'object',
            properties,
            ...(required.length ? { required } : {}),
          },
          ...(extra.types as Record<string, unknown>),
        },
      },
    }),
  );
}

const base = {
  port: { type: 'number', default: 80, minimum: 0, maximum: 65535 },
  size: { type: 'string', enum: ['small', 'medium', 'large'] },
  name: { type: 'string', minLength: 1, maxLength: 100 },
  subnets: { type: 'array', items: { type: 'string' }, maxItems: 3 },
  count: { type: 'integer' },
  network: {
    type: 'object',
    properties: { cidr: { type: 'string' }, zone: { type: 'string' } },
  },
};

describe('checkBackwardCompatibility', () => {
  it('finds nothing between identical schemas, or when only relaxing', () => {
    expect(
      checkBackwardCompatibility(service(base), service(base), 'service'),
    ).toEqual([]);
    const relaxed = service(
      {
        ...base,
        port: { type: 'number', default: 8080, minimum: -1 },
        size: { type: 'string', enum: ['small', 'medium', 'large', 'x-large'] },
        name: { type: 'string' },
        subnets: { type: 'array', items: { type: 'string' } },
        count: { type: 'number' },
        optional: { type: 'string' },
        withDefault: { type: 'string', default: 'x' },
      },
      ['withDefault'],
    );
    expect(
      checkBackwardCompatibility(service(base), relaxed, 'service'),
    ).toEqual([]);
  });

  it('reports removed inputs, new required inputs and changed types', () => {
    const changed = service(
      {
        port: { type: 'string' },
        size: base.size,
        subnets: base.subnets,
        count: { type: 'integer' },
        network: { type: 'object', properties: { cidr: { type: 'number' } } },
        token: { type: 'string' },
      },
      ['token', 'count'],
    );
    expect(
      checkBackwardCompatibility(service(base), changed, 'service'),
    ).toEqual([
      { path: 'name', rule: 'input-removed', message: 'input removed' },
      {
        path: 'port',
        rule: 'type-changed',
        message: 'type changed from number to string',
      },
      {
        path: 'count',
        rule: 'input-became-required',
        message: 'became required and has no default',
      },
      { path: 'network.zone', rule: 'input-removed', message: 'input removed' },
      {
        path: 'network.cidr',
        rule: 'type-changed',
        message: 'type changed from string to number',
      },
      {
        path: 'token',
        rule: 'required-input-added',
        message: 'new required input without a default',
      },
    ]);
  });

  it('reports narrowed enums and tightened constraints, saying which', () => {
    const tightened = service({
      ...base,
      port: { type: 'number', default: 80, minimum: 1, maximum: 1024 },
      size: { type: 'string', enum: ['small', 'large'] },
      name: {
        type: 'string',
        minLength: 2,
        maxLength: 50,
        pattern: '^[a-z]+$',
      },
      subnets: {
        type: 'array',
        items: { type: 'string', enum: ['a'] },
        minItems: 1,
        maxItems: 2,
        uniqueItems: true,
      },
      count: { type: 'integer', minimum: 0, exclusiveMinimum: true },
    });
    expect(
      checkBackwardCompatibility(service(base), tightened, 'service'),
    ).toEqual([
      {
        path: 'port',
        rule: 'constraint-tightened',
        message: 'minimum tightened from >= 0 to >= 1',
      },
      {
        path: 'port',
        rule: 'constraint-tightened',
        message: 'maximum tightened from <= 65535 to <= 1024',
      },
      {
        path: 'size',
        rule: 'enum-narrowed',
        message: 'enum no longer allows "medium"',
      },
      {
        path: 'name',
        rule: 'constraint-tightened',
        message: 'minLength tightened from 1 to 2',
      },
      {
        path: 'name',
        rule: 'constraint-tightened',
        message: 'maxLength tightened from 100 to 50',
      },
      {
        path: 'name',
        rule: 'constraint-tightened',
        message: 'pattern added: ^[a-z]+$',
      },
      {
        path: 'subnets',
        rule: 'constraint-tightened',
        message: 'minItems added: 1',
      },
      {
        path: 'subnets',
        rule: 'constraint-tightened',
        message: 'maxItems tightened from 3 to 2',
      },
      {
        path: 'subnets',
        rule: 'constraint-tightened',
        message: 'uniqueItems added: items must now be distinct',
      },
      {
        path: 'subnets[]',
        rule: 'enum-narrowed',
        message: 'now restricted to "a"',
      },
      {
        path: 'count',
        rule: 'constraint-tightened',
        message: 'minimum added: must be > 0',
      },
    ]);
  });

  it('notices an inclusive bound becoming exclusive, and number narrowed to integer', () => {
    const before = service({ a: { type: 'number', minimum: 0, maximum: 10 } });
    const after = service({
      a: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 10 },
    });
    expect(checkBackwardCompatibility(before, after, 'service')).toEqual([
      {
        path: 'a',
        rule: 'type-changed',
        message: 'type changed from number to integer',
      },
    ]);
    const exclusive = service({
      a: {
        type: 'number',
        minimum: 0,
        exclusiveMinimum: true,
        maximum: 10,
        exclusiveMaximum: true,
      },
    });
    expect(checkBackwardCompatibility(before, exclusive, 'service')).toEqual([
      {
        path: 'a',
        rule: 'constraint-tightened',
        message: 'minimum tightened from >= 0 to > 0',
      },
      {
        path: 'a',
        rule: 'constraint-tightened',
        message: 'maximum tightened from <= 10 to < 10',
      },
    ]);
    expect(checkBackwardCompatibility(exclusive, before, 'service')).toEqual(
      [],
    );
  });

  it('reports a required input that lost its default, and changed patterns', () => {
    const before = service(
      { a: { type: 'string', default: 'a', pattern: 'a' } },
      ['a'],
    );
    const after = service({ a: { type: 'string', pattern: 'b' } }, ['a']);
    expect(checkBackwardCompatibility(before, after, 'service')).toEqual([
      {
        path: 'a',
        rule: 'default-removed',
        message: 'required input lost its default',
      },
      {
        path: 'a',
        rule: 'constraint-tightened',
        message:
          'pattern changed from a to b; values matching the old one may not match',
      },
    ]);
  });

  it('compares through $refs', () => {
    const withRef = (cidr: Record<string, unknown>) =>
      service({ network: { $ref: '#/types/Network' } }, [], {
        types: { Network: { type: 'object', properties: { cidr } } },
      });
    expect(
      checkBackwardCompatibility(
        withRef({ type: 'string' }),
        withRef({ type: 'string', maxLength: 18 }),
        'service',
      ),
    ).toEqual([
      {
        path: 'network.cidr',
        rule: 'constraint-tightened',
        message: 'maxLength added: 18',
      },
    ]);
  });

  it('compares pipeline inputs, an undefined pipeline type counting as no inputs', () => {
    const pipeline = (
      properties: Record<string, unknown>,
      required: string[] = [],
    ) =>
      service({}, [], {
        pipeline_input_type: 'PipelineInputs',
        types: {
          PipelineInputs: {
            type: 'object',
            properties,
            ...(required.length ? { required } : {}),
          },
        },
      });
    const undefinedPipeline = service({}, [], {
      pipeline_input_type: 'PipelineInputs',
    });
    expect(
      checkBackwardCompatibility(
        undefinedPipeline,
        pipeline({ dockerfile: { type: 'string' } }, ['dockerfile']),
        'pipeline',
      ),
    ).toEqual([
      {
        path: 'dockerfile',
        rule: 'required-input-added',
        message: 'new required input without a default',
      },
    ]);
    expect(
      checkBackwardCompatibility(
        pipeline({ dockerfile: { type: 'string' } }),
        undefinedPipeline,
        'pipeline',
      ),
    ).toEqual([
      { path: 'dockerfile', rule: 'input-removed', message: 'input removed' },
    ]);
  });

  it('reports a change of template kind and refuses inputs the old template does not have', () => {
    const environment = parseProtonSchema(
      stringify({
        schema: {
          format: { openapi: '3.0.0' },
          environment_input_type: 'Env',
          types: { Env: { type: 'object' } },
        },
      }),
    );
    expect(
      checkBackwardCompatibility(service(base), environment, 'service'),
    ).toEqual([
      {
        path: '',
        rule: 'inputs-removed',
        message:
          'the template changed from a service template to an environment template',
      },
    ]);
    expect(() =>
      checkBackwardCompatibility(environment, environment, 'service'),
    ).toThrow(ProtonSchemaError);
  });

  it('reports a free-form object that now declares its properties', () => {
    const before = service({ tags: { type: 'object' } });
    const after = service({
      tags: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(checkBackwardCompatibility(before, after, 'service')).toEqual([
      {
        path: 'tags',
        rule: 'constraint-tightened',
        message: 'now accepts only the properties it declares',
      },
    ]);
  });
});
