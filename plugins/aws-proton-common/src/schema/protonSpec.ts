import { Document, parse, visit } from 'yaml';
import { formatPath, PathSegment, ProtonSpecError } from './issues';
import type { ProtonInputs } from './types';
import {
  cloneData,
  isMapping,
  loadYaml,
  ownValue,
  RawIssue,
} from './yamlSource';

/**
 * One entry of a service spec's `instances`.
 *
 * @public
 */
export interface ProtonServiceInstanceSpec {
  /** The service instance name. */
  name: string;
  /** The name of the environment the instance is deployed to. */
  environment: string;
  /** The instance's inputs, as declared by the schema's `service_input_type`. */
  spec: ProtonInputs;
}

/**
 * A Proton service spec (`proton: ServiceSpec`), the `spec` of CreateService and UpdateService.
 *
 * @public
 */
export interface ProtonServiceSpec {
  /** Marks the spec as a service spec. */
  proton: 'ServiceSpec';
  /** The pipeline's inputs, as declared by the schema's `pipeline_input_type`. */
  pipeline?: ProtonInputs;
  /** The service instances to create, each deployed to one environment; names are unique. */
  instances: ProtonServiceInstanceSpec[];
}

/**
 * A Proton environment spec (`proton: EnvironmentSpec`), the `spec` of CreateEnvironment.
 *
 * @public
 */
export interface ProtonEnvironmentSpec {
  /** Marks the spec as an environment spec. */
  proton: 'EnvironmentSpec';
  /** The environment's inputs, as declared by the schema's `environment_input_type`. */
  spec: ProtonInputs;
}

/**
 * A Proton spec of either kind; `proton` tells which.
 *
 * @public
 */
export type ProtonSpec = ProtonServiceSpec | ProtonEnvironmentSpec;

/**
 * One instance to put in a service spec built by {@link buildServiceSpec}.
 *
 * @public
 */
export interface ServiceInstanceSpecInput {
  /** The service instance name: 1 to 100 letters, digits, `-` or `_`, starting with a letter or digit. */
  name: string;
  /** The name of the environment to deploy the instance to, with the same name rule. */
  environment: string;
  /** The instance's inputs; none when omitted. */
  inputs?: ProtonInputs;
}

/**
 * What {@link buildServiceSpec} puts in a service spec.
 *
 * @public
 */
export interface BuildServiceSpecOptions {
  /** The service instances, in order; their names must not repeat. */
  instances: ServiceInstanceSpecInput[];
  /** The pipeline's inputs; the spec has no `pipeline` section when omitted. */
  pipeline?: ProtonInputs;
}

const RESOURCE_NAME = /^[0-9A-Za-z]+[0-9A-Za-z_-]*$/;

/**
 * True when `value` is a valid name of a Proton service, service instance or environment: 1 to 100
 * letters, digits, `-` or `_`, starting with a letter or digit (the `ResourceName` pattern of the
 * AWS Proton API reference).
 *
 * @public
 */
export function isProtonResourceName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    RESOURCE_NAME.test(value) &&
    value.length <= 100
  );
}

function checkInputsSection(
  value: unknown,
  at: PathSegment[],
  issues: RawIssue[],
) {
  if (value !== undefined && value !== null && !isMapping(value)) {
    issues.push({
      segments: at,
      message: 'must be a mapping of input names to values',
    });
  }
}

function checkKeys(
  value: Record<string, unknown>,
  allowed: string[],
  at: PathSegment[],
  issues: RawIssue[],
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      issues.push({
        segments: [...at, key],
        message: `is not supported (allowed: ${allowed.join(', ')})`,
      });
    }
  }
}

function checkName(value: unknown, at: PathSegment[], issues: RawIssue[]) {
  if (value === undefined) {
    issues.push({ segments: at, message: 'is required' });
  } else if (!isProtonResourceName(value)) {
    issues.push({
      segments: at,
      message:
        'must be a Proton resource name: 1 to 100 letters, digits, "-" or "_", starting with a letter or digit',
    });
  }
}

/**
 * Checks the structure of a spec (not its inputs against a schema). With `inputs: false` the input
 * sections (`spec`, `pipeline`) are not looked at, for callers that validate them with a schema.
 */
export function checkSpecShape(
  value: unknown,
  options: { inputs: boolean } = { inputs: true },
): RawIssue[] {
  const issues: RawIssue[] = [];
  if (!isMapping(value)) {
    return [{ segments: [], message: 'must be a mapping with a proton key' }];
  }
  const kind = ownValue(value, 'proton');
  if (kind === 'EnvironmentSpec') {
    checkKeys(value, ['proton', 'spec'], [], issues);
    if (options.inputs) checkInputsSection(value.spec, ['spec'], issues);
    return issues;
  }
  if (kind !== 'ServiceSpec') {
    return [
      {
        segments: ['proton'],
        message: 'must be ServiceSpec or EnvironmentSpec',
      },
    ];
  }
  checkKeys(value, ['proton', 'pipeline', 'instances'], [], issues);
  if (options.inputs) checkInputsSection(value.pipeline, ['pipeline'], issues);
  const instances = ownValue(value, 'instances');
  if (!Array.isArray(instances)) {
    issues.push({
      segments: ['instances'],
      message: 'is required: a list of service instances',
    });
    return issues;
  }
  const seen = new Map<unknown, number>();
  instances.forEach((instance, index) => {
    const at: PathSegment[] = ['instances', index];
    if (!isMapping(instance)) {
      issues.push({
        segments: at,
        message: 'must be a mapping with name, environment and spec',
      });
      return;
    }
    checkKeys(instance, ['name', 'environment', 'spec'], at, issues);
    checkName(ownValue(instance, 'name'), [...at, 'name'], issues);
    checkName(
      ownValue(instance, 'environment'),
      [...at, 'environment'],
      issues,
    );
    if (options.inputs)
      checkInputsSection(instance.spec, [...at, 'spec'], issues);
    const first = seen.get(instance.name);
    if (first !== undefined) {
      issues.push({
        segments: [...at, 'name'],
        message: `repeats the name of ${formatPath(['instances', first])}`,
      });
    } else {
      seen.set(instance.name, index);
    }
  });
  return issues;
}

/**
 * Parses the text of a Proton spec: `proton: ServiceSpec` (with `instances` and an optional
 * `pipeline`) or `proton: EnvironmentSpec` (with `spec`). Input sections that are absent or empty
 * become `{}`. Inputs are not checked against a template schema here: see {@link validateServiceSpec}
 * and {@link validateEnvironmentSpec}.
 *
 * @param yamlText - the spec's YAML (or JSON) text
 * @param expected - when given, the kind the spec must be
 * @throws ProtonSpecError listing every structural problem with its path, line and column
 * @public
 */
export function parseProtonSpec(
  yamlText: string,
  expected: 'ServiceSpec',
): ProtonServiceSpec;
/**
 * Parses the text of a Proton environment spec (`proton: EnvironmentSpec`, with `spec`); an absent
 * or empty `spec` becomes `{}`. Inputs are checked against a schema by {@link validateEnvironmentSpec}.
 *
 * @param yamlText - the spec's YAML (or JSON) text
 * @param expected - `EnvironmentSpec`: any other kind of spec is an error
 * @throws ProtonSpecError listing every structural problem with its path, line and column
 * @public
 */
export function parseProtonSpec(
  yamlText: string,
  expected: 'EnvironmentSpec',
): ProtonEnvironmentSpec;
/**
 * Parses the text of a Proton spec of either kind, or of the `expected` kind when given; the
 * result's `proton` tells which it is.
 *
 * @param yamlText - the spec's YAML (or JSON) text
 * @param expected - when given, the kind the spec must be
 * @throws ProtonSpecError listing every structural problem with its path, line and column
 * @public
 */
export function parseProtonSpec(
  yamlText: string,
  expected?: ProtonSpec['proton'],
): ProtonSpec;
export function parseProtonSpec(
  yamlText: string,
  expected?: ProtonSpec['proton'],
): ProtonSpec {
  if (typeof yamlText !== 'string') {
    throw new ProtonSpecError([{ path: '', message: 'must be YAML text' }]);
  }
  const source = loadYaml(yamlText);
  if (source.errors.length > 0) {
    throw new ProtonSpecError(source.errors);
  }
  const value = source.value;
  const issues = checkSpecShape(value);
  const kind = ownValue(value, 'proton');
  if (issues.length === 0 && expected && kind !== expected) {
    issues.push({ segments: ['proton'], message: `must be ${expected}` });
  }
  if (issues.length > 0) {
    throw new ProtonSpecError(source.locate(issues));
  }
  const spec = value as Record<string, any>;
  if (kind === 'EnvironmentSpec') {
    return { proton: 'EnvironmentSpec', spec: spec.spec ?? {} };
  }
  return {
    proton: 'ServiceSpec',
    ...(spec.pipeline !== undefined ? { pipeline: spec.pipeline ?? {} } : {}),
    instances: (spec.instances as Record<string, any>[]).map(instance => ({
      name: instance.name,
      environment: instance.environment,
      spec: instance.spec ?? {},
    })),
  };
}

/** Whether a string would read back as something else under YAML 1.1 (`yes`, `on`, `0755`...). */
function readsDifferentlyInYaml11(text: string): boolean {
  try {
    return parse(text, { version: '1.1' }) !== text;
  } catch {
    return true;
  }
}

/**
 * Writes data as YAML that reads back identically with YAML 1.2 and YAML 1.1 parsers: strings such as
 * `yes`, `on` or `012` are quoted.
 */
function toSpecYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_key, node) {
      if (
        typeof node.value === 'string' &&
        readsDifferentlyInYaml11(node.value)
      ) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function throwOnShapeIssues(spec: unknown) {
  const issues = checkSpecShape(spec);
  if (issues.length > 0) {
    throw new ProtonSpecError(
      issues.map(({ segments, message }) => ({
        path: formatPath(segments),
        message,
      })),
    );
  }
}

/**
 * Builds the YAML text of a service spec (`proton: ServiceSpec`), as CreateService expects it.
 * Strings are quoted wherever a YAML 1.1 or 1.2 parser would read them as something else.
 *
 * @throws ProtonSpecError when an instance or environment name is not a valid Proton name, or names repeat
 * @public
 */
export function buildServiceSpec(options: BuildServiceSpecOptions): string {
  const spec: ProtonServiceSpec = {
    proton: 'ServiceSpec',
    ...(options.pipeline !== undefined
      ? { pipeline: cloneData(options.pipeline) }
      : {}),
    instances: (options.instances ?? []).map(instance => ({
      name: instance.name,
      environment: instance.environment,
      spec: cloneData(instance.inputs ?? {}),
    })),
  };
  throwOnShapeIssues(spec);
  return toSpecYaml(spec);
}

/**
 * Builds the YAML text of an environment spec (`proton: EnvironmentSpec`), as CreateEnvironment
 * expects it.
 *
 * @throws ProtonSpecError when `inputs` is not a mapping
 * @public
 */
export function buildEnvironmentSpec(inputs: ProtonInputs = {}): string {
  const spec: ProtonEnvironmentSpec = {
    proton: 'EnvironmentSpec',
    spec: cloneData(inputs),
  };
  throwOnShapeIssues(spec);
  return toSpecYaml(spec);
}
