import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  formatSpecErrors,
  parseProtonSpec,
  ProtonEnvironmentSpec,
  ProtonServiceSpec,
  ProtonSpecError,
  validateEnvironmentSpec,
  validateServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import fs from 'node:fs/promises';
import { TemplateVersionSchema } from './templateVersions';

/**
 * Reads a spec file from the workspace. The path is resolved inside the workspace: `..` or an
 * absolute path that leaves it is refused.
 */
export async function readWorkspaceSpec(
  workspacePath: string,
  specPath: string,
  inputName: string,
): Promise<string> {
  const file = resolveSafeChildPath(workspacePath, specPath);
  return fs.readFile(file, 'utf8').catch(() => {
    throw new InputError(`${inputName}: no file ${specPath} in the workspace`);
  });
}

function parseSpec<K extends 'ServiceSpec' | 'EnvironmentSpec'>(
  text: string,
  kind: K,
  subject: string,
) {
  try {
    return parseProtonSpec(text, kind as any) as K extends 'ServiceSpec'
      ? ProtonServiceSpec
      : ProtonEnvironmentSpec;
  } catch (error) {
    if (error instanceof ProtonSpecError) {
      throw new InputError(formatSpecErrors(error.issues, subject));
    }
    throw error;
  }
}

function versionLabel(version: TemplateVersionSchema): string {
  return `${version.templateName} ${version.majorVersion}.${version.minorVersion}`;
}

/**
 * Parses a service spec and validates it against the template version's `schema.yaml`. Every
 * problem is reported at once, each with its path (`instances[1].spec.port: must be <= 65535`).
 *
 * @returns the spec with the schema's defaults filled in
 * @throws InputError listing every problem
 */
export function checkServiceSpec(
  version: TemplateVersionSchema,
  specText: string,
  subject: string,
): ProtonServiceSpec {
  const label = `${subject} (against ${versionLabel(version)})`;
  const result = validateServiceSpec(
    version.schema,
    parseSpec(specText, 'ServiceSpec', label),
  );
  if (!result.valid) {
    throw new InputError(formatSpecErrors(result.errors, label));
  }
  return result.spec;
}

/** Like {@link checkServiceSpec}, for an environment spec. */
export function checkEnvironmentSpec(
  version: TemplateVersionSchema,
  specText: string,
  subject: string,
): ProtonEnvironmentSpec {
  const label = `${subject} (against ${versionLabel(version)})`;
  const result = validateEnvironmentSpec(
    version.schema,
    parseSpec(specText, 'EnvironmentSpec', label),
  );
  if (!result.valid) {
    throw new InputError(formatSpecErrors(result.errors, label));
  }
  return result.spec;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map(key => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Whether two specs (already validated, so with defaults filled in) say the same thing. */
export function sameSpec(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
