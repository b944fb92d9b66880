import { randomUUID } from 'node:crypto';
import {
  formatValidationIssue,
  parseProtonSchema,
  parseProtonSpec,
  ProtonInputs,
  ProtonSpecError,
  validateServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import { OPEN_DEPLOYMENT_STATUSES } from '../deployments/deploymentCoordinator';
import { conflictError, validationError } from '../protocol/errors';
import { DeploymentRecord, forgetResource } from '../store/deploymentStore';
import {
  findServicePipeline,
  insertServicePipeline,
  listServiceInstanceRecords,
  ServicePipelineRecord,
  ServiceRecord,
  updateService,
  updateServicePipeline,
} from '../store/serviceStore';
import {
  findTemplateVersion,
  TemplateVersionRecord,
} from '../store/templateStore';
import {
  cancelDeployment,
  dispatchDeployment,
  listResourceOutputs,
  recordDeployment,
} from './deploymentRecords';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import {
  environmentArn,
  serviceInstanceArn,
  servicePipelineArn,
} from './resourceArns';
import {
  instanceInputs,
  serviceProtonInputs,
} from './serviceInstanceDeployments';
import { requireService } from './services';
import { resolveCurrentValuesInSpec } from './specInputs';
import { selectUpdateVersion } from './templateVersionSelection';
import { requireTemplate } from './templates';

type PublishedVersion = TemplateVersionRecord & { schema: string };

/** The repository members a service with a pipeline needs (AWS Proton API reference: CreateService). */
const REPOSITORY_MEMBERS = [
  'repositoryConnectionArn',
  'repositoryId',
  'branchName',
] as const;

/** The pipeline as GetService (`service.pipeline`) and the pipeline operations return it. */
export function describeServicePipeline(
  context: OperationContext,
  record: ServicePipelineRecord,
): Record<string, unknown> {
  return {
    arn: servicePipelineArn(
      context.settings,
      record.serviceName,
      record.pipelineId,
    ),
    createdAt: record.createdAt,
    deploymentStatus: record.deploymentStatus,
    deploymentStatusMessage: record.deploymentStatusMessage,
    lastDeploymentAttemptedAt: record.lastDeploymentAttemptedAt,
    lastDeploymentSucceededAt: record.lastDeploymentSucceededAt,
    spec: record.spec,
    templateName: record.templateName,
    templateMajorVersion: String(record.templateMajor),
    templateMinorVersion: String(record.templateMinor),
    lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
  };
}

/**
 * Whether services of a template get a pipeline: Proton provisions one unless the template says
 * `pipelineProvisioning: CUSTOMER_MANAGED` (AWS Proton API reference: CreateServiceTemplate).
 */
export async function templateHasPipeline(
  context: OperationContext,
  templateName: string,
): Promise<boolean> {
  const template = await requireTemplate(context, 'service', templateName);
  return template.pipelineProvisioning !== 'CUSTOMER_MANAGED';
}

/**
 * The pipeline inputs of a service spec, checked against a template version's pipeline schema
 * (`pipeline_input_type`) with its defaults filled in.
 *
 * @throws ProtonApiError ValidationException naming every pipeline input at fault (`pipeline.unit_test_command`)
 */
export function checkPipelineInputs(
  schemaYaml: string,
  specText: string,
  subject = 'the pipeline spec',
): ProtonInputs {
  let spec;
  try {
    spec = parseProtonSpec(specText, 'ServiceSpec');
  } catch (error) {
    if (error instanceof ProtonSpecError) {
      throw validationError(error.message.replace(/\n\s*-?\s*/g, ' '));
    }
    throw error;
  }
  const result = validateServiceSpec(parseProtonSchema(schemaYaml), {
    proton: 'ServiceSpec',
    pipeline: spec.pipeline,
    instances: [],
  });
  const errors = result.errors.filter(issue =>
    issue.path.startsWith('pipeline'),
  );
  if (errors.length > 0) {
    throw validationError(
      `${errors.length} problem${
        errors.length === 1 ? '' : 's'
      } in ${subject}: ${errors
        .map(formatValidationIssue)
        .join(' - ')}`,
    );
  }
  return result.spec.pipeline ?? {};
}

/**
 * Refuses a CreateService of a template with a pipeline that lacks the repository the pipeline builds
 * from, naming each missing member.
 */
export function requirePipelineRepository(input: OperationInput): void {
  const missing = REPOSITORY_MEMBERS.filter(member => !input[member]);
  if (missing.length > 0) {
    throw validationError(
      `The service template ${input.templateName} includes a service pipeline, which builds from a ` +
        `repository: ${missing.join(', ')} ${
          missing.length === 1 ? 'is' : 'are'
        } required`,
    );
  }
}

function pipelineState(record: ServicePipelineRecord): Record<string, unknown> {
  return {
    servicePipeline: {
      spec: record.spec,
      templateName: record.templateName,
      templateMajorVersion: String(record.templateMajor),
      templateMinorVersion: String(record.templateMinor),
    },
  };
}

/**
 * What a pipeline's `proton-inputs.json` holds (AWS Proton user guide: parameters of service pipeline
 * IaC files): the service and its repository, the pipeline's inputs, and every instance of the
 * service with its inputs, outputs and environment.
 */
async function pipelineProtonInputs(
  context: OperationContext,
  service: ServiceRecord,
  inputs: ProtonInputs,
): Promise<Record<string, unknown>> {
  const instances = [];
  for (const instance of await listServiceInstanceRecords(
    context.db,
    service.name,
  )) {
    const outputsOf = async (arn: string) =>
      Object.fromEntries(
        (await listResourceOutputs(context, arn)).map(o => [
          o.key,
          o.valueString,
        ]),
      );
    instances.push({
      name: instance.name,
      inputs: await instanceInputs(context, instance),
      outputs: await outputsOf(
        serviceInstanceArn(context.settings, service.name, instance.name),
      ),
      environment: {
        name: instance.environmentName,
        account_id: context.settings.accountId,
        outputs: await outputsOf(
          environmentArn(context.settings, instance.environmentName),
        ),
      },
    });
  }
  return {
    service: serviceProtonInputs(service),
    pipeline: { inputs },
    service_instances: instances,
  };
}

/** Records a deployment of a service's pipeline and hands it to the runner after commit. */
export async function deployServicePipeline(
  context: OperationContext,
  service: ServiceRecord,
  pipeline: ServicePipelineRecord,
  action: 'provision' | 'deprovision',
  inputs: ProtonInputs,
  initial?: ServicePipelineRecord,
): Promise<DeploymentRecord> {
  const deployment = await recordDeployment(context, {
    targetArn: servicePipelineArn(
      context.settings,
      service.name,
      pipeline.pipelineId,
    ),
    targetResourceType: 'SERVICE_PIPELINE',
    targetResourceCreatedAt: pipeline.createdAt,
    action,
    environmentName: '',
    serviceName: service.name,
    templateName: pipeline.templateName,
    templateMajor: pipeline.templateMajor,
    templateMinor: pipeline.templateMinor,
    initialState: initial ? pipelineState(initial) : undefined,
    targetState: pipelineState(pipeline),
    lastSucceededDeploymentId: pipeline.lastSucceededDeploymentId,
  });
  await dispatchDeployment(context, deployment, {
    infrastructureFolder: 'pipeline_infrastructure',
    protonInputs: await pipelineProtonInputs(context, service, inputs),
  });
  await updateServicePipeline(context.db, service.name, {
    lastAttemptedDeploymentId: deployment.id,
  });
  pipeline.lastAttemptedDeploymentId = deployment.id;
  return deployment;
}

/** Creates a service's pipeline IN_PROGRESS and starts its first deployment (CreateService). */
export async function createServicePipeline(
  context: OperationContext,
  service: ServiceRecord,
  version: PublishedVersion,
  inputs: ProtonInputs,
): Promise<ServicePipelineRecord> {
  const record: ServicePipelineRecord = {
    serviceName: service.name,
    pipelineId: randomUUID(),
    templateName: version.templateName,
    templateMajor: version.major,
    templateMinor: version.minor,
    spec: service.spec,
    deploymentStatus: 'IN_PROGRESS',
    lastDeploymentAttemptedAt: context.now,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  await insertServicePipeline(context.db, record);
  await deployServicePipeline(context, service, record, 'provision', inputs);
  return record;
}

/** The inputs a pipeline runs with now: its spec's pipeline section under its own version. */
export async function currentPipelineInputs(
  context: OperationContext,
  pipeline: ServicePipelineRecord,
): Promise<ProtonInputs> {
  const version = await findTemplateVersion(
    context.db,
    'service',
    pipeline.templateName,
    pipeline.templateMajor,
    pipeline.templateMinor,
  );
  return version?.schema
    ? checkPipelineInputs(version.schema, pipeline.spec)
    : {};
}

/**
 * Deprovisions a service's pipeline (DeleteService) with the runner, or removes it at once without one.
 */
export async function removeServicePipeline(
  context: OperationContext,
  service: ServiceRecord,
): Promise<void> {
  const pipeline = await findServicePipeline(context.db, service.name);
  if (!pipeline) return;
  if (!context.deployments.hasRunner) {
    await context
      .db('service_pipelines')
      .where({ service_name: service.name })
      .delete();
    await forgetResource(
      context.db,
      servicePipelineArn(context.settings, service.name, pipeline.pipelineId),
    );
    return;
  }
  const deleting: ServicePipelineRecord = {
    ...pipeline,
    deploymentStatus: 'DELETE_IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
    lastModifiedAt: context.now,
  };
  await deployServicePipeline(
    context,
    service,
    deleting,
    'deprovision',
    await currentPipelineInputs(context, pipeline),
    pipeline,
  );
  await updateServicePipeline(context.db, service.name, deleting);
}

async function requirePipeline(
  context: OperationContext,
  serviceName: string,
): Promise<{ service: ServiceRecord; pipeline: ServicePipelineRecord }> {
  const service = await requireService(context, serviceName);
  const pipeline = await findServicePipeline(context.db, service.name);
  if (!pipeline) {
    throw validationError(
      `The service ${service.name} has no pipeline: its template ${service.templateName} does not include one ` +
        '(pipelineProvisioning CUSTOMER_MANAGED)',
    );
  }
  return { service, pipeline };
}

async function updateServicePipelineOperation(
  input: OperationInput,
  context: OperationContext,
) {
  const { service, pipeline } = await requirePipeline(
    context,
    input.serviceName,
  );
  if (service.status.startsWith('DELETE_')) {
    throw conflictError(
      `The service ${service.name} is ${service.status}; its pipeline can only be deleted with it`,
    );
  }
  if (OPEN_DEPLOYMENT_STATUSES.includes(pipeline.deploymentStatus)) {
    throw conflictError(
      `The pipeline of the service ${service.name} is ${pipeline.deploymentStatus}; wait for its deployment to end or cancel it`,
    );
  }
  const spec = await resolveCurrentValuesInSpec(input.spec, async () => ({
    kind: 'ServiceSpec',
    instances: new Map(),
    pipeline: await currentPipelineInputs(context, pipeline),
  }));
  if (input.deploymentType === 'NONE') {
    if (input.templateMajorVersion || input.templateMinorVersion) {
      throw validationError(
        'deploymentType NONE changes only the spec kept with the pipeline; template versions need a deployment',
      );
    }
    const current = await findTemplateVersion(
      context.db,
      'service',
      pipeline.templateName,
      pipeline.templateMajor,
      pipeline.templateMinor,
    );
    if (current?.schema) checkPipelineInputs(current.schema, spec);
    const updated = { ...pipeline, spec, lastModifiedAt: context.now };
    await updateServicePipeline(context.db, service.name, updated);
    return { pipeline: describeServicePipeline(context, updated) };
  }
  const version = await selectUpdateVersion(
    context,
    'service',
    pipeline,
    input as { deploymentType: string },
  );
  const inputs = checkPipelineInputs(
    version.schema,
    spec,
    `the pipeline spec for version ${version.major}.${version.minor} of ${version.templateName}`,
  );
  const updated: ServicePipelineRecord = {
    ...pipeline,
    templateMajor: version.major,
    templateMinor: version.minor,
    spec,
    deploymentStatus: 'IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
    lastModifiedAt: context.now,
  };
  // recorded first: the one open deployment per target is what refuses a concurrent update
  await deployServicePipeline(
    context,
    service,
    updated,
    'provision',
    inputs,
    pipeline,
  );
  await updateServicePipeline(context.db, service.name, updated);
  if (!service.status.endsWith('_IN_PROGRESS')) {
    await updateService(context.db, service.name, {
      status: 'UPDATE_IN_PROGRESS',
      statusMessage: undefined,
      lastModifiedAt: context.now,
    });
  }
  return { pipeline: describeServicePipeline(context, updated) };
}

async function cancelServicePipelineDeployment(
  input: OperationInput,
  context: OperationContext,
) {
  const { service, pipeline } = await requirePipeline(
    context,
    input.serviceName,
  );
  const status = await cancelDeployment(
    context,
    {
      label: `The pipeline of the service ${service.name}`,
      deploymentStatus: pipeline.deploymentStatus,
      lastAttemptedDeploymentId: pipeline.lastAttemptedDeploymentId,
      customerManaged: false,
    },
    () =>
      updateServicePipeline(context.db, service.name, {
        deploymentStatus: 'CANCELLING',
        lastModifiedAt: context.now,
      }),
  );
  const current =
    status === 'CANCELLING'
      ? { ...pipeline, deploymentStatus: status }
      : (await findServicePipeline(context.db, service.name))!;
  return { pipeline: describeServicePipeline(context, current) };
}

async function listServicePipelineOutputs(
  input: OperationInput,
  context: OperationContext,
) {
  const { service, pipeline } = await requirePipeline(
    context,
    input.serviceName,
  );
  return {
    outputs: await listResourceOutputs(
      context,
      servicePipelineArn(context.settings, service.name, pipeline.pipelineId),
      input.deploymentId,
    ),
  };
}

async function listServicePipelineProvisionedResources(
  input: OperationInput,
  context: OperationContext,
) {
  await requirePipeline(context, input.serviceName);
  return { provisionedResources: [] };
}

/** The service pipeline operations. */
export const servicePipelineOperations: Record<string, OperationDefinition> = {
  UpdateServicePipeline: { handler: updateServicePipelineOperation },
  CancelServicePipelineDeployment: {
    handler: cancelServicePipelineDeployment,
  },
  ListServicePipelineOutputs: {
    handler: listServicePipelineOutputs,
    readOnly: true,
  },
  ListServicePipelineProvisionedResources: {
    handler: listServicePipelineProvisionedResources,
    readOnly: true,
  },
};
