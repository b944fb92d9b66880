import {
  findCurrentValuePaths,
  PROTON_CURRENT_VALUE,
  resolveCurrentValues,
} from './currentValues';
import { ProtonSpecError } from './issues';
import { ProtonServiceSpec } from './protonSpec';

const current: ProtonServiceSpec = {
  proton: 'ServiceSpec',
  pipeline: { dockerfile: 'Dockerfile' },
  instances: [
    {
      name: 'dev',
      environment: 'beta',
      spec: { port: 8080, tags: ['a', 'b'], empty: null },
    },
    {
      name: 'prod',
      environment: 'prod',
      spec: { port: 443, network: { cidr: '10.0.0.0/16' } },
    },
  ],
};

describe('resolveCurrentValues', () => {
  it('keeps current values, matching instances by name', () => {
    const update: ProtonServiceSpec = {
      proton: 'ServiceSpec',
      pipeline: { dockerfile: PROTON_CURRENT_VALUE },
      instances: [
        // Listed in another order than in the current spec.
        {
          name: 'prod',
          environment: 'prod',
          spec: { port: PROTON_CURRENT_VALUE, network: PROTON_CURRENT_VALUE },
        },
        {
          name: 'dev',
          environment: 'beta',
          spec: {
            port: 9090,
            tags: [PROTON_CURRENT_VALUE, 'c'],
            empty: PROTON_CURRENT_VALUE,
          },
        },
      ],
    };
    const copy = JSON.parse(JSON.stringify(update));
    const resolved = resolveCurrentValues(update, current);
    expect(resolved).toEqual({
      proton: 'ServiceSpec',
      pipeline: { dockerfile: 'Dockerfile' },
      instances: [
        {
          name: 'prod',
          environment: 'prod',
          spec: { port: 443, network: { cidr: '10.0.0.0/16' } },
        },
        {
          name: 'dev',
          environment: 'beta',
          spec: { port: 9090, tags: ['a', 'c'], empty: null },
        },
      ],
    });
    expect(update).toEqual(copy);
    // The kept values are copies.
    (resolved.instances[0].spec.network as Record<string, unknown>).cidr = 'x';
    expect(current.instances[1].spec.network).toEqual({ cidr: '10.0.0.0/16' });
  });

  it('works on bare inputs', () => {
    expect(
      resolveCurrentValues({ a: PROTON_CURRENT_VALUE, b: 2 }, { a: 1, b: 1 }),
    ).toEqual({ a: 1, b: 2 });
  });

  it('only replaces values that are exactly the marker', () => {
    const value = {
      a: ` ${PROTON_CURRENT_VALUE}`,
      b: `${PROTON_CURRENT_VALUE}x`,
    };
    expect(resolveCurrentValues(value, { a: 1, b: 2 })).toEqual(value);
  });

  it('names every path that has no current value', () => {
    const update: ProtonServiceSpec = {
      proton: 'ServiceSpec',
      instances: [
        {
          name: 'new',
          environment: 'beta',
          spec: { port: PROTON_CURRENT_VALUE },
        },
        {
          name: 'dev',
          environment: 'beta',
          spec: {
            missing: PROTON_CURRENT_VALUE,
            constructor: PROTON_CURRENT_VALUE,
          },
        },
      ],
    };
    let error: ProtonSpecError | undefined;
    try {
      resolveCurrentValues(update, current);
    } catch (caught) {
      error = caught as ProtonSpecError;
    }
    expect(error).toBeInstanceOf(ProtonSpecError);
    expect(error?.issues).toEqual([
      {
        path: 'instances[0].spec.port',
        message:
          'is ${Proton::CURRENT_VAL} but there is no current value to keep',
      },
      {
        path: 'instances[1].spec.missing',
        message:
          'is ${Proton::CURRENT_VAL} but there is no current value to keep',
      },
      {
        path: 'instances[1].spec.constructor',
        message:
          'is ${Proton::CURRENT_VAL} but there is no current value to keep',
      },
    ]);
    expect(error?.message).toContain(
      'instances[0].spec.port: is ${Proton::CURRENT_VAL}',
    );
  });

  it('matches unnamed list items by position', () => {
    expect(
      resolveCurrentValues([PROTON_CURRENT_VALUE, 'b'], ['x', 'y']),
    ).toEqual(['x', 'b']);
    expect(() =>
      resolveCurrentValues(
        { list: ['a', PROTON_CURRENT_VALUE] },
        { list: ['x'] },
      ),
    ).toThrow(
      'list[1]: is ${Proton::CURRENT_VAL} but there is no current value to keep',
    );
  });
});

describe('findCurrentValuePaths', () => {
  it('lists where the marker is', () => {
    expect(
      findCurrentValuePaths(
        {
          a: PROTON_CURRENT_VALUE,
          b: [1, PROTON_CURRENT_VALUE],
          c: { d: PROTON_CURRENT_VALUE },
        },
        'spec',
      ),
    ).toEqual(['spec.a', 'spec.b[1]', 'spec.c.d']);
    expect(findCurrentValuePaths({ a: 'x' })).toEqual([]);
  });
});
