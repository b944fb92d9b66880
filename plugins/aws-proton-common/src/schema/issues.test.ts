import {
  appendIndex,
  appendKey,
  formatPath,
  formatSpecErrors,
  joinPaths,
  ProtonSchemaError,
  ProtonSpecError,
} from './issues';

describe('paths', () => {
  it('formats keys with dots and indexes with brackets', () => {
    expect(formatPath(['instances', 1, 'spec', 'port'])).toBe(
      'instances[1].spec.port',
    );
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
    expect(formatPath(['a', 'b.c', 'd e', '1x', 'x-y', '$ref'])).toBe(
      'a["b.c"]["d e"]["1x"].x-y.$ref',
    );
    expect(appendKey('', 'port')).toBe('port');
    expect(appendIndex('list', 2)).toBe('list[2]');
  });

  it('joins a prefix and a relative path', () => {
    expect(joinPaths('instances[0].spec', 'port')).toBe(
      'instances[0].spec.port',
    );
    expect(joinPaths('list', '[1]')).toBe('list[1]');
    expect(joinPaths('', 'port')).toBe('port');
    expect(joinPaths('spec', '')).toBe('spec');
  });
});

describe('formatSpecErrors', () => {
  it('makes one readable multi-line message', () => {
    expect(formatSpecErrors([])).toBe('');
    expect(
      formatSpecErrors([{ path: 'port', message: 'must be <= 65535' }]),
    ).toBe('1 problem in the spec:\n  - port: must be <= 65535');
    expect(
      formatSpecErrors([
        { path: 'instances[1].spec.port', message: 'must be <= 65535' },
        { path: '', message: 'invalid YAML: bad', line: 3, column: 2 },
        { path: 'pipeline.x', message: 'is required', line: 7 },
      ]),
    ).toBe(
      [
        '3 problems in the spec:',
        '  - instances[1].spec.port: must be <= 65535',
        '  - invalid YAML: bad (line 3, column 2)',
        '  - pipeline.x: is required (line 7)',
      ].join('\n'),
    );
  });
});

describe('errors', () => {
  it('carry their issues and a message listing them', () => {
    const schemaError = new ProtonSchemaError(
      [{ path: 'schema.types', message: 'is required' }],
      [{ path: 'schema.pipeline_input_type', message: 'warn' }],
    );
    expect(schemaError).toBeInstanceOf(Error);
    expect(schemaError.name).toBe('ProtonSchemaError');
    expect(schemaError.message).toBe(
      '1 problem in the Proton schema:\n  - schema.types: is required',
    );
    expect(schemaError.warnings).toHaveLength(1);
    const specError = new ProtonSpecError([
      { path: 'proton', message: 'is required' },
    ]);
    expect(specError.name).toBe('ProtonSpecError');
    expect(specError.issues).toEqual([
      { path: 'proton', message: 'is required' },
    ]);
  });
});
