import {
  formatSpecErrors,
  parseProtonSchema,
  parseProtonSpec,
  PROTON_CURRENT_VALUE,
  ProtonEnvironmentSpec,
  ProtonInputs,
  ProtonServiceSpec,
  ProtonSpecError,
  ProtonValidationIssue,
  resolveCurrentValues,
  validateEnvironmentSpec,
  validateServiceInstanceSpec,
  validateServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import { Document, parseDocument } from 'yaml';
import { validationError } from '../protocol/errors';

function oneLine(text: string): string {
  return text.replace(/\n\s*-\s*/g, ' - ').replace(/\n/g, ' ');
}

function parseSpec(
  specText: string,
  kind: 'EnvironmentSpec',
): ProtonEnvironmentSpec;
function parseSpec(specText: string, kind: 'ServiceSpec'): ProtonServiceSpec;
function parseSpec(
  specText: string,
  kind: 'EnvironmentSpec' | 'ServiceSpec',
): ProtonEnvironmentSpec | ProtonServiceSpec {
  try {
    return kind === 'ServiceSpec'
      ? parseProtonSpec(specText, kind)
      : parseProtonSpec(specText, kind);
  } catch (error) {
    if (error instanceof ProtonSpecError) {
      throw validationError(oneLine(error.message));
    }
    throw error;
  }
}

function refuse(errors: ProtonValidationIssue[], subject: string): never {
  throw validationError(oneLine(formatSpecErrors(errors, subject)));
}

/**
 * Reads an environment's spec (`proton: EnvironmentSpec`) and checks its inputs against the template
 * version's schema, as CreateEnvironment and UpdateEnvironment do.
 *
 * @returns the inputs with the schema's defaults filled in, for `proton-inputs.json`
 * @throws ProtonApiError ValidationException naming every problem with its path
 */
export function checkEnvironmentSpec(
  schemaYaml: string,
  specText: string,
  subject = 'the environment spec',
): ProtonInputs {
  const spec = parseSpec(specText, 'EnvironmentSpec');
  const result = validateEnvironmentSpec(parseProtonSchema(schemaYaml), spec);
  if (!result.valid) refuse(result.errors, subject);
  return result.spec.spec;
}

function requireUniqueInstanceNames(spec: ProtonServiceSpec): void {
  const seen = new Set<string>();
  for (const instance of spec.instances) {
    if (seen.has(instance.name)) {
      throw validationError(
        `The service spec names the instance ${instance.name} more than once`,
      );
    }
    seen.add(instance.name);
  }
}

/**
 * Reads a service's spec (`proton: ServiceSpec`) without checking its inputs against a schema: its
 * shape, and that instance names are unique.
 *
 * @throws ProtonApiError ValidationException naming what is wrong
 */
export function readServiceSpec(specText: string): ProtonServiceSpec {
  const spec = parseSpec(specText, 'ServiceSpec');
  requireUniqueInstanceNames(spec);
  return spec;
}

/**
 * Reads a service's spec (`proton: ServiceSpec`) and checks its instances' and pipeline's inputs
 * against the template version's schema, as CreateService, UpdateService and the service instance
 * operations do. Instance names must be unique.
 *
 * @returns the spec with the schema's defaults filled in
 * @throws ProtonApiError ValidationException naming every problem with its path
 */
export function checkServiceSpec(
  schemaYaml: string,
  specText: string,
  subject = 'the service spec',
): ProtonServiceSpec {
  const spec = parseSpec(specText, 'ServiceSpec');
  const result = validateServiceSpec(parseProtonSchema(schemaYaml), spec);
  if (!result.valid) refuse(result.errors, subject);
  requireUniqueInstanceNames(result.spec);
  return result.spec;
}

/**
 * Reads one instance's entry of a service spec and checks only its inputs against a template
 * version's schema: what an update or upgrade of that one instance deploys.
 *
 * @param subject - what the spec is, for the message (for example `the spec for version 2.0 of web`)
 * @returns the instance's environment and its inputs with the schema's defaults filled in
 * @throws ProtonApiError ValidationException when the spec has no entry for the instance, or naming
 *   every input of the entry at fault with its path (`instances[0].spec.port`)
 */
export function checkServiceInstanceEntry(
  schemaYaml: string,
  specText: string,
  instanceName: string,
  subject = 'the service spec',
): { environment: string; inputs: ProtonInputs } {
  const spec = parseSpec(specText, 'ServiceSpec');
  const index = spec.instances.findIndex(entry => entry.name === instanceName);
  if (index < 0) {
    throw validationError(
      `The spec has no entry for the instance ${instanceName} under instances`,
    );
  }
  const entry = spec.instances[index];
  const result = validateServiceInstanceSpec(
    parseProtonSchema(schemaYaml),
    entry.spec ?? {},
    { pathPrefix: `instances[${index}].spec` },
  );
  if (!result.valid) refuse(result.errors, subject);
  return { environment: entry.environment, inputs: result.spec };
}

/** The current values `${Proton::CURRENT_VAL}` may keep, in the shape of the spec being updated. */
export type CurrentSpecValues =
  | {
      kind: 'ServiceSpec';
      /** Each existing instance's environment and current inputs, by instance name. */
      instances: Map<string, { environment: string; inputs: ProtonInputs }>;
      /** The pipeline's current inputs, when the service has a pipeline. */
      pipeline?: ProtonInputs;
    }
  | { kind: 'EnvironmentSpec'; inputs: ProtonInputs };

/** Where a value is exactly the marker, as key paths into the data. */
function markerPaths(
  value: unknown,
  at: Array<string | number> = [],
): Array<Array<string | number>> {
  if (value === PROTON_CURRENT_VALUE) return [at];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => markerPaths(item, [...at, index]));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      markerPaths(item, [...at, key]),
    );
  }
  return [];
}

function valueAt(data: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null
        ? (node as Record<string | number, unknown>)[key]
        : undefined,
    data,
  );
}

/**
 * Replaces every value that is exactly `${Proton::CURRENT_VAL}` in an update's spec with the input's
 * current value (AWS Proton user guide: "Update a service instance", "Edit a service"): the value the
 * resource runs with now, its template version's defaults included. Instances are matched by name.
 * The rest of the text (comments, order, quoting) is kept as the caller wrote it.
 *
 * @param current - reads the current values; called only when the spec has a marker
 * @returns the spec text without markers (the text itself when it has none)
 * @throws ProtonApiError ValidationException naming every path whose marker has no current value
 *   (an instance the service does not have yet, or an input not set and without a default)
 */
export async function resolveCurrentValuesInSpec(
  specText: string,
  readCurrent: () => Promise<CurrentSpecValues>,
): Promise<string> {
  if (!specText.includes(PROTON_CURRENT_VALUE)) return specText;
  const document: Document = parseDocument(specText);
  const data: unknown = document.toJS();
  const paths = markerPaths(data);
  if (paths.length === 0) return specText;
  const current = await readCurrent();
  const currentSpec =
    current.kind === 'EnvironmentSpec'
      ? { proton: current.kind, spec: current.inputs }
      : {
          proton: current.kind,
          pipeline: current.pipeline,
          instances: [...current.instances].map(([name, instance]) => ({
            name,
            environment: instance.environment,
            spec: instance.inputs,
          })),
        };
  let resolved: unknown;
  try {
    resolved = resolveCurrentValues(data, currentSpec);
  } catch (error) {
    if (error instanceof ProtonSpecError) {
      refuse(error.issues, 'the spec');
    }
    throw error;
  }
  for (const path of paths) {
    const value = valueAt(resolved, path);
    document.setIn(path, document.createNode(value));
  }
  return document.toString();
}
