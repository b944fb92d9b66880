import { parse } from 'yaml';
import { ProtonSpecError } from './issues';
import {
  buildEnvironmentSpec,
  buildServiceSpec,
  parseProtonSpec,
} from './protonSpec';

function specIssues(
  text: string,
  expected?: 'ServiceSpec' | 'EnvironmentSpec',
) {
  try {
    parseProtonSpec(text, expected as 'ServiceSpec');
  } catch (error) {
    expect(error).toBeInstanceOf(ProtonSpecError);
    return (error as ProtonSpecError).issues;
  }
  throw new Error('expected the spec to be rejected');
}

function thrown(build: () => unknown): ProtonSpecError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtonSpecError);
    return error as ProtonSpecError;
  }
  throw new Error('expected a ProtonSpecError');
}

describe('parseProtonSpec', () => {
  it('reads a service spec, giving absent input sections an empty mapping', () => {
    expect(
      parseProtonSpec(`
proton: ServiceSpec
pipeline:
  unit_test_command: "ls"
instances:
  - name: "frontend-dev"
    environment: "Beta"
    spec:
      port: 80
  - name: frontend-prod
    environment: Prod
`),
    ).toEqual({
      proton: 'ServiceSpec',
      pipeline: { unit_test_command: 'ls' },
      instances: [
        { name: 'frontend-dev', environment: 'Beta', spec: { port: 80 } },
        { name: 'frontend-prod', environment: 'Prod', spec: {} },
      ],
    });
    const withoutPipeline = parseProtonSpec(
      'proton: ServiceSpec\ninstances: []\n',
      'ServiceSpec',
    );
    expect(withoutPipeline).toEqual({ proton: 'ServiceSpec', instances: [] });
    expect(Object.hasOwn(withoutPipeline, 'pipeline')).toBe(false);
  });

  it('reads an environment spec', () => {
    expect(
      parseProtonSpec(
        'proton: EnvironmentSpec\nspec:\n  vpc_cidr: 10.0.0.0/16\n',
      ),
    ).toEqual({
      proton: 'EnvironmentSpec',
      spec: { vpc_cidr: '10.0.0.0/16' },
    });
    expect(
      parseProtonSpec('proton: EnvironmentSpec\nspec:\n', 'EnvironmentSpec'),
    ).toEqual({
      proton: 'EnvironmentSpec',
      spec: {},
    });
  });

  it('reports every structural problem with its path and line', () => {
    const issues = specIssues(`proton: ServiceSpec
pipeline: [a]
instance: []
instances:
  - name: ok
    environment: Beta
    spec: 3
  - name: ok
    environment: "bad name"
    tags: {}
  - just a string
`);
    expect(
      issues.map(({ path, message, line }) => ({ path, message, line })),
    ).toEqual([
      {
        path: 'instance',
        message: 'is not supported (allowed: proton, pipeline, instances)',
        line: 3,
      },
      {
        path: 'pipeline',
        message: 'must be a mapping of input names to values',
        line: 2,
      },
      {
        path: 'instances[0].spec',
        message: 'must be a mapping of input names to values',
        line: 7,
      },
      {
        path: 'instances[1].tags',
        message: 'is not supported (allowed: name, environment, spec)',
        line: 10,
      },
      {
        path: 'instances[1].environment',
        message: expect.stringMatching(/^must be a Proton resource name/),
        line: 9,
      },
      {
        path: 'instances[1].name',
        message: 'repeats the name of instances[0]',
        line: 8,
      },
      {
        path: 'instances[2]',
        message: 'must be a mapping with name, environment and spec',
        line: 11,
      },
    ]);
  });

  it('requires the proton kind, instances and names', () => {
    expect(specIssues('instances: []')).toEqual([
      {
        path: 'proton',
        message: 'must be ServiceSpec or EnvironmentSpec',
        line: 1,
        column: 1,
      },
    ]);
    expect(specIssues('proton: ServiceSpec').map(issue => issue.path)).toEqual([
      'instances',
    ]);
    expect(
      specIssues('proton: ServiceSpec\ninstances:\n  - environment: e\n'),
    ).toEqual([
      { path: 'instances[0].name', message: 'is required', line: 3, column: 5 },
    ]);
    expect(
      specIssues('proton: EnvironmentSpec\nspec: {}\n', 'ServiceSpec'),
    ).toEqual([
      { path: 'proton', message: 'must be ServiceSpec', line: 1, column: 9 },
    ]);
    expect(
      specIssues('proton: ServiceSpec\ninstances: [\n')[0].message,
    ).toMatch(/^invalid YAML/);
    expect(specIssues('- a\n')[0]).toEqual({
      path: '',
      message: 'must be a mapping with a proton key',
      line: 1,
      column: 1,
    });
  });
});

describe('buildServiceSpec', () => {
  const tricky = {
    yes: 'yes',
    on: 'on',
    y: 'n',
    octal: '0o14',
    leadingZero: '012',
    date: '2024-01-01',
    nul: 'null',
    tilde: '~',
    empty: '',
    colon: 'a: b',
    hash: 'a #b',
    multiline: 'one\ntwo',
    marker: '${Proton::CURRENT_VAL}',
    number: 12,
    float: 1.5,
    bool: true,
    list: ['1', 2, 'true'],
    nested: { deep: 'off' },
  };

  it('builds a spec that reads back identically with YAML 1.2 and YAML 1.1 parsers', () => {
    const text = buildServiceSpec({
      pipeline: { dockerfile: 'Dockerfile' },
      instances: [
        { name: 'dev', environment: 'Beta', inputs: tricky },
        { name: 'prod', environment: 'Prod' },
      ],
    });
    const expected = {
      proton: 'ServiceSpec',
      pipeline: { dockerfile: 'Dockerfile' },
      instances: [
        { name: 'dev', environment: 'Beta', spec: tricky },
        { name: 'prod', environment: 'Prod', spec: {} },
      ],
    };
    expect(parse(text)).toEqual(expected);
    expect(parse(text, { version: '1.1' })).toEqual(expected);
    expect(parseProtonSpec(text)).toEqual(expected);
    expect(
      text.startsWith(
        'proton: ServiceSpec\npipeline:\n  dockerfile: Dockerfile\ninstances:\n  - name: dev\n',
      ),
    ).toBe(true);
  });

  it('omits the pipeline section when there is no pipeline, and does not share input objects', () => {
    const inputs = { port: 80 };
    const text = buildServiceSpec({
      instances: [{ name: 'a', environment: 'b', inputs }],
    });
    expect(text).toBe(
      'proton: ServiceSpec\ninstances:\n  - name: a\n    environment: b\n    spec:\n      port: 80\n',
    );
    expect(inputs).toEqual({ port: 80 });
  });

  it('refuses invalid or repeated names', () => {
    expect(() =>
      buildServiceSpec({
        instances: [
          { name: 'a', environment: 'env' },
          { name: 'a', environment: 'env/x' },
        ],
      }),
    ).toThrow(ProtonSpecError);
    const error = thrown(() =>
      buildServiceSpec({ instances: [{ name: '', environment: 'e' }] }),
    );
    expect(error.issues.map(issue => issue.path)).toEqual([
      'instances[0].name',
    ]);
  });
});

describe('buildEnvironmentSpec', () => {
  it('builds an environment spec', () => {
    expect(
      buildEnvironmentSpec({ vpc_cidr: '10.0.0.0/16', enabled: 'yes' }),
    ).toBe(
      'proton: EnvironmentSpec\nspec:\n  vpc_cidr: 10.0.0.0/16\n  enabled: "yes"\n',
    );
    expect(buildEnvironmentSpec()).toBe('proton: EnvironmentSpec\nspec: {}\n');
    expect(parseProtonSpec(buildEnvironmentSpec({ a: ['x'] }))).toEqual({
      proton: 'EnvironmentSpec',
      spec: { a: ['x'] },
    });
  });

  it('refuses inputs that are not a mapping', () => {
    expect(() =>
      buildEnvironmentSpec(['a'] as unknown as Record<string, unknown>),
    ).toThrow('spec: must be a mapping of input names to values');
  });
});
