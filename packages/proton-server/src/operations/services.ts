import { forgetServiceSync } from '../store/syncAttemptStore';
import type { ProtonServiceSpec } from '@proton-platform/plugin-aws-proton-common';
import {
  conflictError,
  quotaExceeded,
  resourceNotFound,
} from '../protocol/errors';
import { forgetResource } from '../store/deploymentStore';
import {
  findService,
  findServicePipeline,
  insertService,
  listServiceInstanceRecords,
  ServicePipelineRecord,
  ServiceRecord,
  toServiceRecord,
  updateService,
  updateServiceInstance,
} from '../store/serviceStore';
import { putTags } from '../store/tagStore';
import {
  findRecommendedVersions,
  findTemplateVersion,
  TemplateVersionRecord,
} from '../store/templateStore';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import {
  rememberCreateRequest,
  requireRepeatOfCreate,
} from './idempotentCreates';
import { requireNoComponents } from './components';
import { fetchPage } from './pagination';
import { serviceArn, serviceInstanceArn } from './resourceArns';
import {
  createServiceInstanceRecord,
  currentServiceValues,
  deployServiceInstance,
  instanceInputs,
  MAX_INSTANCES_PER_SERVICE,
  requireDeployableEnvironment,
} from './serviceInstanceDeployments';
import {
  createServicePipeline,
  describeServicePipeline,
  removeServicePipeline,
  requirePipelineRepository,
  templateHasPipeline,
} from './servicePipelines';
import {
  checkServiceInstanceEntry,
  checkServiceSpec,
  readServiceSpec,
  resolveCurrentValuesInSpec,
} from './specInputs';
import { selectPublishedVersion } from './templateVersionSelection';
import { requireTemplate } from './templates';

/** A service as GetService returns it (with its pipeline, when it has one), or as ListServices summarizes it. */
function describeService(
  context: OperationContext,
  record: ServiceRecord,
  summary = false,
  pipeline?: ServicePipelineRecord,
): Record<string, unknown> {
  return {
    name: record.name,
    arn: serviceArn(context.settings, record.name),
    templateName: record.templateName,
    description: record.description,
    createdAt: record.createdAt,
    lastModifiedAt: record.lastModifiedAt,
    status: record.status,
    statusMessage: record.statusMessage,
    spec: summary ? undefined : record.spec,
    repositoryConnectionArn: summary
      ? undefined
      : record.repositoryConnectionArn,
    repositoryId: summary ? undefined : record.repositoryId,
    branchName: summary ? undefined : record.branchName,
    pipeline:
      summary || !pipeline
        ? undefined
        : describeServicePipeline(context, pipeline),
  };
}

/** Reads a service or fails with ResourceNotFoundException. */
export async function requireService(
  context: OperationContext,
  name: string,
): Promise<ServiceRecord> {
  const record = await findService(context.db, name);
  if (!record) throw resourceNotFound(`The service ${name}`);
  return record;
}

function requireSettledService(record: ServiceRecord): void {
  if (record.status.endsWith('_IN_PROGRESS')) {
    throw conflictError(
      `The service ${record.name} is ${record.status}; wait for it to finish`,
    );
  }
}

/** Creates the instances a spec names and the service does not have yet. */
async function addInstances(
  context: OperationContext,
  service: ServiceRecord,
  spec: ProtonServiceSpec,
  specText: string,
  version: TemplateVersionRecord,
  existing: Set<string>,
): Promise<number> {
  const added = spec.instances.filter(instance => !existing.has(instance.name));
  if (existing.size + added.length > MAX_INSTANCES_PER_SERVICE) {
    throw quotaExceeded(
      `A service can have at most ${MAX_INSTANCES_PER_SERVICE} instances; ${
        service.name
      } would have ${existing.size + added.length}`,
    );
  }
  for (const instance of added) {
    await requireDeployableEnvironment(context, version, instance.environment);
    await createServiceInstanceRecord(
      context,
      service,
      {
        name: instance.name,
        environmentName: instance.environment,
        spec: specText,
        inputs: instance.spec,
      },
      version,
    );
  }
  return added.length;
}

async function createService(input: OperationInput, context: OperationContext) {
  const arn = serviceArn(context.settings, input.name);
  const existing = await findService(context.db, input.name);
  if (existing) {
    await requireRepeatOfCreate(
      context,
      'CreateService',
      arn,
      input,
      `The service ${input.name}`,
    );
    if (existing.status.startsWith('DELETE_')) {
      throw conflictError(
        `The service ${existing.name} is ${existing.status}; create it again once it is gone`,
      );
    }
    return {
      service: describeService(
        context,
        existing,
        false,
        await findServicePipeline(context.db, existing.name),
      ),
    };
  }
  const version = await selectPublishedVersion(
    context,
    'service',
    input.templateName,
    input.templateMajorVersion,
    input.templateMinorVersion,
  );
  const spec = checkServiceSpec(version.schema, input.spec);
  const hasPipeline = await templateHasPipeline(context, version.templateName);
  if (hasPipeline) requirePipelineRepository(input);
  const record: ServiceRecord = {
    name: input.name,
    templateName: version.templateName,
    spec: input.spec,
    description: input.description,
    status: spec.instances.length > 0 ? 'CREATE_IN_PROGRESS' : 'ACTIVE',
    repositoryConnectionArn: input.repositoryConnectionArn,
    repositoryId: input.repositoryId,
    branchName: input.branchName,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  await insertService(context.db, record);
  await addInstances(context, record, spec, input.spec, version, new Set());
  const pipeline = hasPipeline
    ? // checkServiceSpec checked the pipeline inputs too, with the version's defaults
      await createServicePipeline(context, record, version, spec.pipeline ?? {})
    : undefined;
  if (pipeline && record.status === 'ACTIVE') {
    record.status = 'CREATE_IN_PROGRESS';
    await updateService(context.db, record.name, { status: record.status });
  }
  await putTags(context.db, arn, input.tags ?? []);
  await rememberCreateRequest(context, 'CreateService', arn, input);
  return { service: describeService(context, record, false, pipeline) };
}

async function getService(input: OperationInput, context: OperationContext) {
  const record = await requireService(context, input.name);
  return {
    service: describeService(
      context,
      record,
      false,
      await findServicePipeline(context.db, record.name),
    ),
  };
}

async function listServices(input: OperationInput, context: OperationContext) {
  const page = await fetchPage(context.db('services'), {
    listing: 'ListServices',
    keyColumns: ['name'],
    maxResults: input.maxResults,
    nextToken: input.nextToken,
  });
  return {
    services: page.rows.map(row =>
      describeService(context, toServiceRecord(row), true),
    ),
    nextToken: page.nextToken,
  };
}

/** The version new instances of a service get: the one its instances run, else the recommended one. */
async function versionForNewInstances(
  context: OperationContext,
  service: ServiceRecord,
): Promise<TemplateVersionRecord & { schema: string }> {
  const [first] = await listServiceInstanceRecords(context.db, service.name);
  if (first) {
    const version = await findTemplateVersion(
      context.db,
      'service',
      first.templateName,
      first.templateMajor,
      first.templateMinor,
    );
    if (version?.schema)
      return version as TemplateVersionRecord & { schema: string };
  }
  await requireTemplate(context, 'service', service.templateName);
  const { byTemplate } = await findRecommendedVersions(context.db, 'service', [
    service.templateName,
  ]);
  const [major, minor] = (byTemplate.get(service.templateName) ?? '').split(
    '.',
  );
  return selectPublishedVersion(
    context,
    'service',
    service.templateName,
    major || '1',
    minor,
  );
}

async function updateServiceOperation(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireService(context, input.name);
  requireSettledService(record);
  const updated: ServiceRecord = {
    ...record,
    description: input.description ?? record.description,
    lastModifiedAt: context.now,
  };
  if (input.spec !== undefined) {
    const version = await versionForNewInstances(context, record);
    const specText = await resolveCurrentValuesInSpec(input.spec, () =>
      currentServiceValues(context, record.name),
    );
    const instances = await listServiceInstanceRecords(context.db, record.name);
    const existing = new Set(instances.map(instance => instance.name));
    // Only the instances it adds deploy, with the version new instances get: the others keep
    // theirs (each may run another version) until UpdateServiceInstance changes them.
    const parsed = readServiceSpec(specText);
    const spec: ProtonServiceSpec = {
      ...parsed,
      instances: parsed.instances.map(entry =>
        existing.has(entry.name)
          ? entry
          : {
              ...entry,
              spec: checkServiceInstanceEntry(
                version.schema,
                specText,
                entry.name,
                `the spec of the new instance ${entry.name} for version ${version.major}.${version.minor} of ${version.templateName}`,
              ).inputs,
            },
      ),
    };
    const wanted = new Set(spec.instances.map(instance => instance.name));
    const removed = instances.filter(instance => !wanted.has(instance.name));
    const added = await addInstances(
      context,
      record,
      spec,
      specText,
      version,
      existing,
    );
    for (const instance of removed) {
      await removeInstance(context, record, instance.name);
    }
    updated.spec = specText;
    // Added instances wait for their deployment; removed ones for theirs when a runner deprovisions.
    const waiting =
      added > 0 || (context.deployments.hasRunner && removed.length > 0);
    updated.status = waiting ? 'UPDATE_IN_PROGRESS' : 'ACTIVE';
    updated.statusMessage = undefined;
  }
  await updateService(context.db, record.name, updated);
  return { service: describeService(context, updated) };
}

/** Deprovisions an instance with the runner, or removes it at once without one. */
async function removeInstance(
  context: OperationContext,
  service: ServiceRecord,
  instanceName: string,
): Promise<void> {
  await requireNoComponents(
    context,
    { serviceName: service.name, serviceInstanceName: instanceName },
    `The service instance ${instanceName} of the service ${service.name}`,
  );
  const arn = serviceInstanceArn(context.settings, service.name, instanceName);
  const [instance] = (
    await listServiceInstanceRecords(context.db, service.name)
  ).filter(i => i.name === instanceName);
  if (!context.deployments.hasRunner) {
    await context
      .db('service_instances')
      .where({ service_name: service.name, name: instanceName })
      .delete();
    await forgetResource(context.db, arn);
    return;
  }
  const deleting = {
    ...instance,
    deploymentStatus: 'DELETE_IN_PROGRESS' as const,
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
    lastModifiedAt: context.now,
  };
  await updateServiceInstance(context.db, service.name, instanceName, deleting);
  await deployServiceInstance(
    context,
    service,
    deleting,
    'deprovision',
    await instanceInputs(context, instance),
    instance,
  );
}

async function deleteService(input: OperationInput, context: OperationContext) {
  const record = await requireService(context, input.name);
  requireSettledService(record);
  const instances = await listServiceInstanceRecords(context.db, record.name);
  for (const instance of instances) {
    await removeInstance(context, record, instance.name);
  }
  const pipeline = await findServicePipeline(context.db, record.name);
  await removeServicePipeline(context, record);
  const deleting: ServiceRecord = {
    ...record,
    status: 'DELETE_IN_PROGRESS',
    statusMessage: undefined,
    lastModifiedAt: context.now,
  };
  if (context.deployments.hasRunner && (instances.length > 0 || pipeline)) {
    await updateService(context.db, record.name, deleting);
  } else {
    await context.db('services').where({ name: record.name }).delete();
    await forgetServiceSync(context.db, record.name);
    await forgetResource(context.db, serviceArn(context.settings, record.name));
  }
  return { service: describeService(context, deleting) };
}

/** Create/Get/List/Update/Delete Service. */
export const serviceOperations: Record<string, OperationDefinition> = {
  CreateService: { handler: createService },
  GetService: { handler: getService, readOnly: true },
  ListServices: { handler: listServices, readOnly: true },
  UpdateService: { handler: updateServiceOperation },
  DeleteService: { handler: deleteService },
};
