import { resourceNotFound, validationError } from '../protocol/errors';
import {
  findRecommendedVersions,
  findTemplateVersion,
  TemplateKind,
  TemplateVersionRecord,
} from '../store/templateStore';
import type { OperationContext } from './operationContext';
import { requireTemplate, TEMPLATE_KIND_NAMES } from './templates';

/**
 * The published template version a resource is created or updated with: `major.minor` when the
 * minor version is given, else the recommended (highest published) minor version of the major version.
 *
 * @throws ProtonApiError ResourceNotFoundException for a missing template or version,
 *   ValidationException for a version that is not published
 */
export async function selectPublishedVersion(
  context: OperationContext,
  kind: TemplateKind,
  templateName: string,
  majorVersion: string,
  minorVersion?: string,
): Promise<TemplateVersionRecord & { schema: string }> {
  const { label } = TEMPLATE_KIND_NAMES[kind];
  await requireTemplate(context, kind, templateName);
  let minor = minorVersion;
  if (minor === undefined) {
    const { byMajor } = await findRecommendedVersions(context.db, kind, [
      templateName,
    ]);
    minor = byMajor.get(`${templateName}/${majorVersion}`);
    if (minor === undefined) {
      throw validationError(
        `The ${label} ${templateName} has no published version in major version ${majorVersion}`,
      );
    }
  }
  const version = await findTemplateVersion(
    context.db,
    kind,
    templateName,
    Number(majorVersion),
    Number(minor),
  );
  if (!version) {
    throw resourceNotFound(
      `Version ${majorVersion}.${minor} of the ${label} ${templateName}`,
    );
  }
  if (version.status !== 'PUBLISHED' || version.schema === undefined) {
    throw validationError(
      `Version ${majorVersion}.${minor} of the ${label} ${templateName} is ${version.status}; only a PUBLISHED version can be deployed`,
    );
  }
  return version as TemplateVersionRecord & { schema: string };
}

/** The template version a deployed resource currently runs. */
interface DeployedVersion {
  templateName: string;
  templateMajor: number;
  templateMinor: number;
}

/**
 * The published version an UpdateEnvironment or UpdateServiceInstance deploys, by its
 * `deploymentType`: CURRENT_VERSION keeps the version, MINOR_VERSION moves to the given or
 * recommended minor version of the current major version, MAJOR_VERSION to the given major version.
 *
 * @throws ProtonApiError ValidationException when the versions given contradict the deploymentType
 */
export async function selectUpdateVersion(
  context: OperationContext,
  kind: TemplateKind,
  current: DeployedVersion,
  input: {
    deploymentType: string;
    templateMajorVersion?: string;
    templateMinorVersion?: string;
  },
): Promise<TemplateVersionRecord & { schema: string }> {
  const major = input.templateMajorVersion;
  const minor = input.templateMinorVersion;
  const currentMajor = String(current.templateMajor);
  switch (input.deploymentType) {
    case 'CURRENT_VERSION':
      if (
        (major !== undefined && major !== currentMajor) ||
        (minor !== undefined && Number(minor) !== current.templateMinor)
      ) {
        throw validationError(
          `deploymentType CURRENT_VERSION keeps version ${currentMajor}.${current.templateMinor}; use MINOR_VERSION or MAJOR_VERSION to change it`,
        );
      }
      return selectPublishedVersion(
        context,
        kind,
        current.templateName,
        currentMajor,
        String(current.templateMinor),
      );
    case 'MINOR_VERSION':
      if (major !== undefined && major !== currentMajor) {
        throw validationError(
          'deploymentType MINOR_VERSION stays within the current major version; use MAJOR_VERSION',
        );
      }
      return selectPublishedVersion(
        context,
        kind,
        current.templateName,
        currentMajor,
        minor,
      );
    default:
      if (major === undefined) {
        throw validationError(
          'deploymentType MAJOR_VERSION needs templateMajorVersion',
        );
      }
      return selectPublishedVersion(
        context,
        kind,
        current.templateName,
        major,
        minor,
      );
  }
}
