import {
  CreateEnvironmentCommand,
  Environment,
  GetEnvironmentCommand,
} from '@aws-sdk/client-proton';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { ProtonEnvironmentSpec } from '@proton-platform/plugin-aws-proton-common';
import { isNotFound, ProtonSession } from './ProtonSession';
import { checkEnvironmentSpec, sameSpec } from './specChecks';
import { TemplateVersionSchema } from './templateVersions';

/** What CreateEnvironment is called with, apart from the template version. */
export interface EnvironmentRequest {
  name: string;
  specText: string;
  spec: ProtonEnvironmentSpec;
  description?: string;
  tags?: Record<string, string>;
  protonServiceRoleArn?: string;
  codebuildRoleArn?: string;
}

async function findEnvironment(
  session: ProtonSession,
  name: string,
): Promise<Environment | undefined> {
  try {
    const { environment } = await session.call(
      'GetEnvironment',
      `environment "${name}"`,
      c => c.send(new GetEnvironmentCommand({ name })),
    );
    return environment;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Creates an environment, or adopts it when it exists already with the same template and spec; the
 * same name with another template or spec is refused with a ConflictError saying which.
 */
export async function createOrAdoptEnvironment(
  session: ProtonSession,
  version: TemplateVersionSchema,
  request: EnvironmentRequest,
  logger: LoggerService,
): Promise<{ arn: string; adopted: boolean }> {
  const where = `in account ${session.target.accountId}, region ${session.target.region}`;
  const existing = await findEnvironment(session, request.name);
  if (existing) {
    if (existing.templateName !== version.templateName) {
      throw new ConflictError(
        `An AWS Proton environment named ${request.name} already exists ${where} with the template ${existing.templateName}, not ${version.templateName}; choose another name`,
      );
    }
    let spec: ProtonEnvironmentSpec | undefined;
    try {
      spec = checkEnvironmentSpec(version, existing.spec ?? '', 'the spec');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
    if (!spec || !sameSpec(spec, request.spec)) {
      throw new ConflictError(
        `An AWS Proton environment named ${request.name} already exists ${where} with the template ${version.templateName} but another spec; choose another name`,
      );
    }
    logger.info(
      `The AWS Proton environment ${request.name} already exists with the same template and spec (${existing.deploymentStatus}); carrying on with it`,
    );
    return { arn: existing.arn!, adopted: true };
  }
  const { environment } = await session.call(
    'CreateEnvironment',
    `environment "${request.name}"`,
    c =>
      c.send(
        new CreateEnvironmentCommand({
          name: request.name,
          templateName: version.templateName,
          templateMajorVersion: version.majorVersion,
          templateMinorVersion: version.minorVersion,
          spec: request.specText,
          description: request.description || undefined,
          protonServiceRoleArn: request.protonServiceRoleArn,
          codebuildRoleArn: request.codebuildRoleArn,
          tags: Object.entries(request.tags ?? {}).map(([key, value]) => ({
            key,
            value,
          })),
        }),
      ),
  );
  logger.info(
    `Created the AWS Proton environment ${request.name} from ${version.templateName} ${version.majorVersion}.${version.minorVersion}`,
  );
  return { arn: environment!.arn!, adopted: false };
}
