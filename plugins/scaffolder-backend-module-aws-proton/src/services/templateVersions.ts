import {
  CompatibleEnvironmentTemplate,
  GetEnvironmentTemplateCommand,
  GetEnvironmentTemplateVersionCommand,
  GetServiceTemplateCommand,
  GetServiceTemplateVersionCommand,
  ListEnvironmentTemplateVersionsCommand,
  ListServiceTemplateVersionsCommand,
} from '@aws-sdk/client-proton';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  parseProtonSchema,
  ProtonSchema,
  ProtonSchemaError,
} from '@proton-platform/plugin-aws-proton-common';
import { ProtonSession } from './ProtonSession';

/** A published template version with its parsed `schema.yaml`. */
export interface TemplateVersionSchema {
  kind: 'service' | 'environment';
  templateName: string;
  majorVersion: string;
  minorVersion: string;
  schema: ProtonSchema;
  /** For service templates: the environment template major versions it deploys into. */
  compatibleEnvironmentTemplates: CompatibleEnvironmentTemplate[];
}

/** `service template "web"` or `environment template "vpc"`. */
export function describeTemplate(
  kind: 'service' | 'environment',
  templateName: string,
): string {
  return `${kind} template "${templateName}"`;
}

async function recommendedMajor(
  session: ProtonSession,
  kind: 'service' | 'environment',
  templateName: string,
): Promise<string> {
  const what = describeTemplate(kind, templateName);
  const recommended =
    kind === 'service'
      ? (
          await session.call('GetServiceTemplate', what, c =>
            c.send(new GetServiceTemplateCommand({ name: templateName })),
          )
        ).serviceTemplate?.recommendedVersion
      : (
          await session.call('GetEnvironmentTemplate', what, c =>
            c.send(new GetEnvironmentTemplateCommand({ name: templateName })),
          )
        ).environmentTemplate?.recommendedVersion;
  if (!recommended) {
    throw new NotFoundError(
      `The AWS Proton ${what} has no published version in account ${session.target.accountId}, region ${session.target.region}`,
    );
  }
  return recommended.split('.')[0];
}

async function recommendedMinor(
  session: ProtonSession,
  kind: 'service' | 'environment',
  templateName: string,
  majorVersion: string,
): Promise<string> {
  const what = `${describeTemplate(
    kind,
    templateName,
  )} major version ${majorVersion}`;
  const input = { templateName, majorVersion, maxResults: 1 };
  const summaries =
    kind === 'service'
      ? (
          await session.call('ListServiceTemplateVersions', what, c =>
            c.send(new ListServiceTemplateVersionsCommand(input)),
          )
        ).templateVersions
      : (
          await session.call('ListEnvironmentTemplateVersions', what, c =>
            c.send(new ListEnvironmentTemplateVersionsCommand(input)),
          )
        ).templateVersions;
  const minor = summaries?.[0]?.recommendedMinorVersion;
  if (!minor) {
    throw new NotFoundError(
      `The AWS Proton ${what} has no published minor version in account ${session.target.accountId}, region ${session.target.region}`,
    );
  }
  return minor;
}

/**
 * Fetches a template version (the recommended one of `majorVersion` when `minorVersion` is not given,
 * the template's recommended version when neither is) and parses its `schema`. Only a PUBLISHED
 * version can be used to create resources, so any other status is refused here, before any change.
 */
export async function fetchTemplateVersionSchema(
  session: ProtonSession,
  kind: 'service' | 'environment',
  templateName: string,
  majorVersion?: string,
  minorVersion?: string,
): Promise<TemplateVersionSchema> {
  const major =
    majorVersion || (await recommendedMajor(session, kind, templateName));
  const minor =
    minorVersion ||
    (await recommendedMinor(session, kind, templateName, major));
  const what = `${describeTemplate(
    kind,
    templateName,
  )} version ${major}.${minor}`;
  const input = { templateName, majorVersion: major, minorVersion: minor };
  const version =
    kind === 'service'
      ? (
          await session.call('GetServiceTemplateVersion', what, c =>
            c.send(new GetServiceTemplateVersionCommand(input)),
          )
        ).serviceTemplateVersion
      : (
          await session.call('GetEnvironmentTemplateVersion', what, c =>
            c.send(new GetEnvironmentTemplateVersionCommand(input)),
          )
        ).environmentTemplateVersion;
  if (!version) {
    throw new NotFoundError(`AWS Proton returned no ${what}`);
  }
  if (version.status !== 'PUBLISHED') {
    throw new InputError(
      `The AWS Proton ${what} is ${version.status}; only a PUBLISHED version can be used`,
    );
  }
  if (!version.schema) {
    throw new InputError(`The AWS Proton ${what} has no schema`);
  }
  let schema: ProtonSchema;
  try {
    schema = parseProtonSchema(version.schema);
  } catch (error) {
    if (error instanceof ProtonSchemaError) {
      throw new InputError(
        `The schema of the ${what} is not valid: ${error.message}`,
      );
    }
    throw error;
  }
  if (schema.templateKind !== kind) {
    throw new InputError(
      `The ${what} has the schema of an ${schema.templateKind} template`,
    );
  }
  return {
    kind,
    templateName,
    majorVersion: major,
    minorVersion: minor,
    schema,
    compatibleEnvironmentTemplates:
      'compatibleEnvironmentTemplates' in version
        ? (version.compatibleEnvironmentTemplates as CompatibleEnvironmentTemplate[]) ??
          []
        : [],
  };
}
