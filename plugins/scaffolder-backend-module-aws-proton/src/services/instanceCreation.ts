import {
  CreateServiceInstanceCommand,
  GetServiceCommand,
  GetServiceInstanceCommand,
  ServiceInstance,
} from '@aws-sdk/client-proton';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { ProtonServiceSpec } from '@proton-platform/plugin-aws-proton-common';
import { isNotFound, ProtonSession } from './ProtonSession';
import { checkServiceSpec, sameSpec } from './specChecks';
import { TemplateVersionSchema } from './templateVersions';

/** The template name of an existing service (ResourceNotFound names the service when it has none). */
export async function serviceTemplateName(
  session: ProtonSession,
  serviceName: string,
): Promise<string> {
  const { service } = await session.call(
    'GetService',
    `service "${serviceName}"`,
    c => c.send(new GetServiceCommand({ name: serviceName })),
  );
  return service!.templateName!;
}

/** A service instance, or undefined when the service has none of that name. */
export async function findServiceInstance(
  session: ProtonSession,
  serviceName: string,
  name: string,
): Promise<ServiceInstance | undefined> {
  try {
    const { serviceInstance } = await session.call(
      'GetServiceInstance',
      `service instance "${serviceName}/${name}"`,
      c => c.send(new GetServiceInstanceCommand({ serviceName, name })),
    );
    return serviceInstance;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The inputs (`spec`) of one instance in the spec an instance was deployed with. */
export function instanceInputsOf(
  version: TemplateVersionSchema,
  instance: ServiceInstance,
): Record<string, unknown> | undefined {
  let spec: ProtonServiceSpec;
  try {
    spec = checkServiceSpec(version, instance.spec ?? '', 'the spec');
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
  return spec.instances.find(i => i.name === instance.name)?.spec;
}

/** What CreateServiceInstance is called with. */
export interface InstanceRequest {
  serviceName: string;
  name: string;
  environment: string;
  specText: string;
  /** The validated inputs of the instance, with defaults: what an existing instance is compared to. */
  inputs: Record<string, unknown>;
  tags?: Record<string, string>;
  clientToken: string;
}

/**
 * Creates a service instance, or adopts it when it exists already in the same environment with the
 * same inputs; another environment or other inputs are refused with a ConflictError.
 */
export async function createOrAdoptServiceInstance(
  session: ProtonSession,
  version: TemplateVersionSchema,
  request: InstanceRequest,
  logger: LoggerService,
): Promise<{ arn: string; adopted: boolean }> {
  const label = `${request.serviceName}/${request.name}`;
  const existing = await findServiceInstance(
    session,
    request.serviceName,
    request.name,
  );
  if (existing) {
    if (existing.environmentName !== request.environment) {
      throw new ConflictError(
        `The AWS Proton service instance ${label} already exists in the environment ${existing.environmentName}, not ${request.environment}; choose another instance name`,
      );
    }
    const inputs = instanceInputsOf(version, existing);
    if (!inputs || !sameSpec(inputs, request.inputs)) {
      throw new ConflictError(
        `The AWS Proton service instance ${label} already exists with other inputs; use aws:proton:update-service-instance to change them`,
      );
    }
    logger.info(
      `The AWS Proton service instance ${label} already exists with the same inputs (${existing.deploymentStatus}); carrying on with it`,
    );
    return { arn: existing.arn!, adopted: true };
  }
  const { serviceInstance } = await session.call(
    'CreateServiceInstance',
    `service instance "${label}"`,
    c =>
      c.send(
        new CreateServiceInstanceCommand({
          serviceName: request.serviceName,
          name: request.name,
          spec: request.specText,
          templateMajorVersion: version.majorVersion,
          templateMinorVersion: version.minorVersion,
          clientToken: request.clientToken,
          tags: Object.entries(request.tags ?? {}).map(([key, value]) => ({
            key,
            value,
          })),
        }),
      ),
  );
  logger.info(
    `Created the AWS Proton service instance ${label} in the environment ${request.environment} from ${version.templateName} ${version.majorVersion}.${version.minorVersion}`,
  );
  return { arn: serviceInstance!.arn!, adopted: false };
}
