import {
  CreateServiceCommand,
  GetServiceCommand,
  Service,
} from '@aws-sdk/client-proton';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { ProtonServiceSpec } from '@proton-platform/plugin-aws-proton-common';
import { isNotFound, ProtonSession } from './ProtonSession';
import { checkServiceSpec, sameSpec } from './specChecks';
import { TemplateVersionSchema } from './templateVersions';

/** What CreateService is called with, apart from the template version. */
export interface ServiceRequest {
  name: string;
  specText: string;
  /** The spec after validation, with defaults filled in: what an existing service is compared to. */
  spec: ProtonServiceSpec;
  description?: string;
  tags?: Record<string, string>;
  repositoryId?: string;
  repositoryConnectionArn?: string;
  branchName?: string;
}

/** The outcome of {@link createOrAdoptService}. */
export interface ServiceCreation {
  arn: string;
  /** True when the service existed already with the same template and spec (a re-run). */
  adopted: boolean;
}

async function findService(
  session: ProtonSession,
  name: string,
): Promise<Service | undefined> {
  try {
    const { service } = await session.call(
      'GetService',
      `service "${name}"`,
      c => c.send(new GetServiceCommand({ name })),
    );
    return service;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function adoptOrRefuse(
  existing: Service,
  version: TemplateVersionSchema,
  request: ServiceRequest,
  session: ProtonSession,
): ServiceCreation {
  const where = `in account ${session.target.accountId}, region ${session.target.region}`;
  if (existing.templateName !== version.templateName) {
    throw new ConflictError(
      `An AWS Proton service named ${request.name} already exists ${where} with the template ${existing.templateName}, not ${version.templateName}; choose another name or delete that service`,
    );
  }
  let existingSpec: ProtonServiceSpec | undefined;
  try {
    existingSpec = checkServiceSpec(version, existing.spec ?? '', 'the spec');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  }
  if (!existingSpec || !sameSpec(existingSpec, request.spec)) {
    throw new ConflictError(
      `An AWS Proton service named ${request.name} already exists ${where} with the template ${version.templateName} but another spec; choose another name, or change that service with UpdateService`,
    );
  }
  return { arn: existing.arn!, adopted: true };
}

/**
 * Creates a service, or adopts it when it exists already with the same template and spec (a task
 * retried after a failure that came after the creation). A service with the same name and another
 * template or spec is refused with a ConflictError saying which.
 */
export async function createOrAdoptService(
  session: ProtonSession,
  version: TemplateVersionSchema,
  request: ServiceRequest,
  logger: LoggerService,
): Promise<ServiceCreation> {
  const existing = await findService(session, request.name);
  if (existing) {
    const adopted = adoptOrRefuse(existing, version, request, session);
    logger.info(
      `The AWS Proton service ${request.name} already exists with the same template and spec (status ${existing.status}); carrying on with it`,
    );
    return adopted;
  }
  const { service } = await session.call(
    'CreateService',
    `service "${request.name}"`,
    c =>
      c.send(
        new CreateServiceCommand({
          name: request.name,
          templateName: version.templateName,
          templateMajorVersion: version.majorVersion,
          templateMinorVersion: version.minorVersion,
          spec: request.specText,
          description: request.description || undefined,
          tags: Object.entries(request.tags ?? {}).map(([key, value]) => ({
            key,
            value,
          })),
          repositoryId: request.repositoryId,
          repositoryConnectionArn: request.repositoryConnectionArn,
          branchName: request.branchName,
        }),
      ),
  );
  const instances = request.spec.instances.map(i => i.name);
  logger.info(
    `Created the AWS Proton service ${request.name} from ${
      version.templateName
    } ${version.majorVersion}.${version.minorVersion} with the ${
      instances.length === 1 ? 'instance' : 'instances'
    } ${instances.join(', ')}`,
  );
  return { arn: service!.arn!, adopted: false };
}
