import {
  formatSpecErrors,
  parseProtonSchema,
  parseProtonSpec,
  ProtonEnvironmentSpec,
  ProtonInputs,
  ProtonServiceSpec,
  ProtonSpecError,
  ProtonValidationIssue,
  validateEnvironmentSpec,
  validateServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
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
): ProtonInputs {
  const spec = parseSpec(specText, 'EnvironmentSpec');
  const result = validateEnvironmentSpec(parseProtonSchema(schemaYaml), spec);
  if (!result.valid) refuse(result.errors, 'the environment spec');
  return result.spec.spec;
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
): ProtonServiceSpec {
  const spec = parseSpec(specText, 'ServiceSpec');
  const result = validateServiceSpec(parseProtonSchema(schemaYaml), spec);
  if (!result.valid) refuse(result.errors, 'the service spec');
  const seen = new Set<string>();
  for (const instance of result.spec.instances) {
    if (seen.has(instance.name)) {
      throw validationError(
        `The service spec names the instance ${instance.name} more than once`,
      );
    }
    seen.add(instance.name);
  }
  return result.spec;
}
