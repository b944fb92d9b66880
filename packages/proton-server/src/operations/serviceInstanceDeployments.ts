import type { ProtonInputs } from '@proton-platform/plugin-aws-proton-common';
import { resourceNotFound, validationError } from '../protocol/errors';
import type { DeploymentRecord } from '../store/deploymentStore';
import { EnvironmentRecord, findEnvironment } from '../store/environmentStore';
import {
  findServicePipeline,
  insertServiceInstance,
  listServiceInstanceRecords,
  ServiceInstanceRecord,
  ServiceRecord,
  updateServiceInstance,
} from '../store/serviceStore';
import { putTags, ResourceTag } from '../store/tagStore';
import {
  findTemplateVersion,
  TemplateVersionRecord,
} from '../store/templateStore';
import { attachedComponentOutputs } from './components';
import { currentPipelineInputs } from './servicePipelines';
import { dispatchDeployment, recordDeployment } from './deploymentRecords';
import type { OperationContext } from './operationContext';
import { environmentArn, serviceInstanceArn } from './resourceArns';
import { checkServiceInstanceEntry, CurrentSpecValues } from './specInputs';

/** The most instances a service can have (AWS Proton's quota). */
export const MAX_INSTANCES_PER_SERVICE = 20;

/** A service instance as GetServiceInstance returns it, or as ListServiceInstances summarizes it. */
export function describeServiceInstance(
  context: OperationContext,
  record: ServiceInstanceRecord,
  summary = false,
): Record<string, unknown> {
  return {
    name: record.name,
    arn: serviceInstanceArn(context.settings, record.serviceName, record.name),
    createdAt: record.createdAt,
    lastDeploymentAttemptedAt: record.lastDeploymentAttemptedAt,
    lastDeploymentSucceededAt: record.lastDeploymentSucceededAt,
    serviceName: record.serviceName,
    environmentName: record.environmentName,
    templateName: record.templateName,
    templateMajorVersion: String(record.templateMajor),
    templateMinorVersion: String(record.templateMinor),
    deploymentStatus: record.deploymentStatus,
    deploymentStatusMessage: record.deploymentStatusMessage,
    spec: summary ? undefined : record.spec,
    lastClientRequestToken: summary ? undefined : record.lastClientRequestToken,
    lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
  };
}

/**
 * The environment an instance deploys to: it must exist, be deployed, and run a template the service
 * template version declares compatible.
 */
export async function requireDeployableEnvironment(
  context: OperationContext,
  version: TemplateVersionRecord,
  environmentName: string,
): Promise<EnvironmentRecord> {
  const environment = await findEnvironment(context.db, environmentName);
  if (!environment)
    throw resourceNotFound(`The environment ${environmentName}`);
  const compatible = (version.compatibleEnvironmentTemplates ?? []).some(
    c =>
      c.templateName === environment.templateName &&
      Number(c.majorVersion) === environment.templateMajor,
  );
  if (!compatible) {
    throw validationError(
      `The environment ${environmentName} runs ${environment.templateName} ${environment.templateMajor}.x, ` +
        `which version ${version.major}.${version.minor} of ${version.templateName} does not list as compatible`,
    );
  }
  if (environment.deploymentStatus !== 'SUCCEEDED') {
    throw validationError(
      `The environment ${environmentName} is not deployed (${environment.deploymentStatus})`,
    );
  }
  return environment;
}

function serviceInstanceState(
  record: ServiceInstanceRecord,
): Record<string, unknown> {
  return {
    serviceInstance: {
      spec: record.spec,
      templateName: record.templateName,
      templateMajorVersion: String(record.templateMajor),
      templateMinorVersion: String(record.templateMinor),
    },
  };
}

/** The `service` of a deployment's `proton-inputs.json` (an instance's or the pipeline's). */
export function serviceProtonInputs(
  service: ServiceRecord,
): Record<string, unknown> {
  return {
    name: service.name,
    branch_name: service.branchName,
    repository_connection_arn: service.repositoryConnectionArn,
    repository_id: service.repositoryId,
  };
}

/**
 * The `proton-inputs.json` of a deployment of a service instance, as AWS Proton renders it: the
 * service, the instance with its inputs (and its component's outputs), and the environment with
 * its current outputs.
 */
export async function serviceInstanceProtonInputs(
  context: OperationContext,
  service: ServiceRecord,
  instance: ServiceInstanceRecord,
  inputs: ProtonInputs,
): Promise<Record<string, unknown>> {
  const outputs = await context
    .db('outputs')
    .where({
      resource_arn: environmentArn(context.settings, instance.environmentName),
    })
    .orderBy('key');
  const componentOutputs = await attachedComponentOutputs(
    context,
    service.name,
    instance.name,
  );
  return {
    service: serviceProtonInputs(service),
    service_instance: {
      name: instance.name,
      inputs,
      // AWS Proton's name for a directly defined component's outputs in its instance's inputs
      ...(componentOutputs
        ? { components: { default: { outputs: componentOutputs } } }
        : {}),
    },
    environment: {
      account_id: context.settings.accountId,
      name: instance.environmentName,
      outputs: Object.fromEntries(outputs.map(o => [o.key, o.value_string])),
    },
  };
}

/** Records a deployment of a service instance and hands it to the runner after commit. */
export async function deployServiceInstance(
  context: OperationContext,
  service: ServiceRecord,
  instance: ServiceInstanceRecord,
  action: 'provision' | 'deprovision',
  inputs: ProtonInputs,
  initial?: ServiceInstanceRecord,
): Promise<DeploymentRecord> {
  const arn = serviceInstanceArn(context.settings, service.name, instance.name);
  const deployment = await recordDeployment(context, {
    targetArn: arn,
    targetResourceType: 'SERVICE_INSTANCE',
    targetResourceCreatedAt: instance.createdAt,
    action,
    environmentName: instance.environmentName,
    serviceName: service.name,
    serviceInstanceName: instance.name,
    templateName: instance.templateName,
    templateMajor: instance.templateMajor,
    templateMinor: instance.templateMinor,
    initialState: initial ? serviceInstanceState(initial) : undefined,
    targetState: serviceInstanceState(instance),
    lastSucceededDeploymentId: instance.lastSucceededDeploymentId,
  });
  await dispatchDeployment(context, deployment, {
    infrastructureFolder: 'instance_infrastructure',
    protonInputs: await serviceInstanceProtonInputs(
      context,
      service,
      instance,
      inputs,
    ),
  });
  await updateServiceInstance(context.db, service.name, instance.name, {
    lastAttemptedDeploymentId: deployment.id,
  });
  instance.lastAttemptedDeploymentId = deployment.id;
  return deployment;
}

/** Creates an instance of a service IN_PROGRESS and starts its first deployment. */
export async function createServiceInstanceRecord(
  context: OperationContext,
  service: ServiceRecord,
  instance: {
    name: string;
    environmentName: string;
    spec: string;
    inputs: ProtonInputs;
    clientToken?: string;
    tags?: ResourceTag[];
  },
  version: TemplateVersionRecord,
): Promise<ServiceInstanceRecord> {
  const record: ServiceInstanceRecord = {
    serviceName: service.name,
    name: instance.name,
    environmentName: instance.environmentName,
    templateName: version.templateName,
    templateMajor: version.major,
    templateMinor: version.minor,
    spec: instance.spec,
    lastClientRequestToken: instance.clientToken,
    deploymentStatus: 'IN_PROGRESS',
    lastDeploymentAttemptedAt: context.now,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  await insertServiceInstance(context.db, record);
  await deployServiceInstance(
    context,
    service,
    record,
    'provision',
    instance.inputs,
  );
  await putTags(
    context.db,
    serviceInstanceArn(context.settings, service.name, record.name),
    instance.tags ?? [],
  );
  return record;
}

/**
 * The inputs an instance deploys with: its entry in its spec, checked against `version` (the version
 * it runs when omitted) with that version's defaults filled in.
 *
 * @throws ProtonApiError ValidationException naming every input of the entry that `version` refuses
 */
export async function instanceInputs(
  context: OperationContext,
  instance: ServiceInstanceRecord,
  version?: TemplateVersionRecord & { schema: string },
): Promise<ProtonInputs> {
  const target =
    version ??
    (await findTemplateVersion(
      context.db,
      'service',
      instance.templateName,
      instance.templateMajor,
      instance.templateMinor,
    ));
  if (!target?.schema) return {};
  const subject = version
    ? `the spec of the instance ${instance.name} for version ${target.major}.${target.minor} of ${target.templateName}`
    : undefined;
  if (!instance.spec) {
    return checkServiceInstanceEntry(
      target.schema,
      `proton: ServiceSpec\ninstances:\n  - name: ${JSON.stringify(
        instance.name,
      )}\n    environment: ${JSON.stringify(instance.environmentName)}\n`,
      instance.name,
      subject,
    ).inputs;
  }
  return checkServiceInstanceEntry(
    target.schema,
    instance.spec,
    instance.name,
    subject,
  ).inputs;
}

/**
 * What `${Proton::CURRENT_VAL}` keeps in an update of a service's spec: each existing instance's
 * environment and current inputs (its version's defaults included), and the pipeline's inputs.
 */
export async function currentServiceValues(
  context: OperationContext,
  serviceName: string,
): Promise<CurrentSpecValues> {
  const instances = new Map<
    string,
    { environment: string; inputs: ProtonInputs }
  >();
  for (const instance of await listServiceInstanceRecords(
    context.db,
    serviceName,
  )) {
    instances.set(instance.name, {
      environment: instance.environmentName,
      inputs: await instanceInputs(context, instance),
    });
  }
  const pipeline = await findServicePipeline(context.db, serviceName);
  return {
    kind: 'ServiceSpec',
    instances,
    pipeline: pipeline
      ? await currentPipelineInputs(context, pipeline)
      : undefined,
  };
}
