import { stringify } from 'yaml';
import { diffProtonInputs, previewProtonInputs } from './inputsDiff';
import { parseProtonSchema } from './protonSchema';
import type { ProtonSchema } from './types';

function service(
  properties: Record<string, unknown>,
  required: string[] = [],
): ProtonSchema {
  return parseProtonSchema(
    stringify({
      schema: {
        format: { openapi: '3.0.0' },
        service_input_type: 'ServiceInput',
        types: {
          ServiceInput: {
            type: 'object',
            properties,
            ...(required.length ? { required } : {}),
          },
        },
      },
    }),
  );
}

const v10 = service({
  port: { type: 'integer', title: 'Port', default: 80 },
  image: { type: 'string' },
  legacy: { type: 'boolean' },
  network: {
    type: 'object',
    properties: { cidr: { type: 'string' } },
  },
});

const v11 = service(
  {
    port: { type: 'integer', title: 'Port', default: 8080 },
    image: { type: 'string' },
    grace: { type: 'integer', title: 'Grace period', default: 0 },
    network: {
      type: 'object',
      properties: { cidr: { type: 'string' }, zone: { type: 'string' } },
    },
    logging: {
      type: 'object',
      properties: { level: { type: 'string' } },
    },
  },
  ['image'],
);

describe('diffProtonInputs', () => {
  it('lists inputs added, removed, given another default, and what breaks', () => {
    const diff = diffProtonInputs(v10, v11, 'service');
    expect(diff.added.map(i => [i.path, i.default, i.required])).toEqual([
      ['grace', 0, false],
      ['network.zone', undefined, false],
      // an object added as a whole is listed once, without its own inputs
      ['logging', undefined, false],
    ]);
    expect(diff.removed.map(i => i.path)).toEqual(['legacy']);
    expect(diff.defaultChanged).toEqual([{ path: 'port', from: 80, to: 8080 }]);
    expect(diff.typeChanged).toEqual([]);
    expect(diff.breaking.map(b => b.path).sort()).toEqual(['image', 'legacy']);
  });

  it('sees a changed type, and nothing between a version and itself', () => {
    const retyped = service({
      ...v10Properties(),
      port: { type: 'string', title: 'Port', default: '80' },
    });
    expect(diffProtonInputs(v10, retyped, 'service').typeChanged).toEqual([
      { path: 'port', from: 'integer', to: 'string' },
    ]);
    expect(diffProtonInputs(v10, v10, 'service')).toEqual({
      added: [],
      removed: [],
      typeChanged: [],
      defaultChanged: [],
      breaking: [],
    });
  });

  it('counts pipeline inputs a version does not declare as none', () => {
    expect(diffProtonInputs(v10, v11, 'pipeline')).toEqual({
      added: [],
      removed: [],
      typeChanged: [],
      defaultChanged: [],
      breaking: [],
    });
  });
});

function v10Properties() {
  return {
    port: { type: 'integer', title: 'Port', default: 80 },
    image: { type: 'string' },
    legacy: { type: 'boolean' },
    network: {
      type: 'object',
      properties: { cidr: { type: 'string' } },
    },
  };
}

describe('previewProtonInputs', () => {
  it('keeps what the target declares, adds its new inputs with defaults, drops the rest', () => {
    const preview = previewProtonInputs(
      { port: 81, legacy: true, network: { cidr: '10.0.0.0/16' } },
      v10,
      v11,
      'service',
    );
    expect(preview).toEqual({
      kept: [
        { path: 'port', value: 81 },
        { path: 'network.cidr', value: '10.0.0.0/16' },
      ],
      added: [
        { path: 'grace', default: 0, required: false },
        { path: 'network.zone', default: undefined, required: false },
        { path: 'logging', default: undefined, required: false },
      ],
      removed: [{ path: 'legacy', value: true }],
      // 1.1 requires image, without a default, and the instance does not set it
      missing: ['image'],
    });
  });

  it('names required inputs the target adds without a default', () => {
    const major = service(
      { port: { type: 'integer' }, region: { type: 'string' } },
      ['region'],
    );
    expect(
      previewProtonInputs({ port: 80 }, v10, major, 'service').missing,
    ).toEqual(['region']);
    // given already: nothing is missing
    expect(
      previewProtonInputs({ region: 'eu' }, v10, major, 'service').missing,
    ).toEqual([]);
  });

  it('names an input that became required, but not one inside an object the instance leaves out', () => {
    const stricter = service(
      {
        port: { type: 'integer' },
        image: { type: 'string' },
        network: {
          type: 'object',
          properties: { cidr: { type: 'string' } },
          required: ['cidr'],
        },
      },
      ['image'],
    );
    expect(
      previewProtonInputs({ port: 80 }, v10, stricter, 'service').missing,
    ).toEqual(['image']);
    expect(
      previewProtonInputs(
        { image: 'nginx', network: {} },
        v10,
        stricter,
        'service',
      ).missing,
    ).toEqual(['network.cidr']);
  });

  it('keeps a free-form object whole', () => {
    const free = service({ labels: { type: 'object' } });
    expect(
      previewProtonInputs(
        { labels: { team: 'a', tier: 'web' } },
        free,
        free,
        'service',
      ),
    ).toEqual({
      kept: [{ path: 'labels', value: { team: 'a', tier: 'web' } }],
      added: [],
      removed: [],
      missing: [],
    });
  });
});
