import { blockManualUpdate } from './serviceSyncConfigs';
import type {
  ProtonInputs,
  ProtonServiceSpec,
} from '@proton-platform/plugin-aws-proton-common';
import type { Knex } from 'knex';
import {
  conflictError,
  quotaExceeded,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import {
  findServiceInstance,
  ServiceInstanceRecord,
  ServiceRecord,
  toServiceInstanceRecord,
  updateServiceInstance,
} from '../store/serviceStore';
import { findAttachedComponent } from '../store/componentStore';
import {
  findRecommendedVersions,
  TemplateVersionRecord,
} from '../store/templateStore';
import { OPEN_DEPLOYMENT_STATUSES } from '../deployments/deploymentCoordinator';
import { cancelDeployment, listResourceOutputs } from './deploymentRecords';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { fetchPage } from './pagination';
import { serviceInstanceArn } from './resourceArns';
import {
  createServiceInstanceRecord,
  currentServiceValues,
  deployServiceInstance,
  describeServiceInstance,
  instanceInputs,
  MAX_INSTANCES_PER_SERVICE,
  requireDeployableEnvironment,
} from './serviceInstanceDeployments';
import { requireService } from './services';
import {
  checkServiceInstanceEntry,
  checkServiceSpec,
  resolveCurrentValuesInSpec,
} from './specInputs';
import {
  selectPublishedVersion,
  selectUpdateVersion,
} from './templateVersionSelection';

async function requireInstance(
  context: OperationContext,
  serviceName: string,
  name: string,
): Promise<ServiceInstanceRecord> {
  const record = await findServiceInstance(context.db, serviceName, name);
  if (!record) {
    throw resourceNotFound(
      `The service instance ${name} of the service ${serviceName}`,
    );
  }
  return record;
}

/** The entry of a service spec that describes one instance. */
function instanceEntry(spec: ProtonServiceSpec, name: string) {
  const entry = spec.instances.find(instance => instance.name === name);
  if (!entry) {
    throw validationError(
      `The spec has no entry for the instance ${name} under instances`,
    );
  }
  return entry;
}

async function createServiceInstance(
  input: OperationInput,
  context: OperationContext,
) {
  const service = await requireService(context, input.serviceName);
  if (await findServiceInstance(context.db, service.name, input.name)) {
    throw conflictError(
      `The service ${service.name} already has an instance named ${input.name}`,
    );
  }
  const count = await context
    .db('service_instances')
    .where({ service_name: service.name })
    .count({ count: '*' })
    .first();
  if (Number(count?.count ?? 0) >= MAX_INSTANCES_PER_SERVICE) {
    throw quotaExceeded(
      `A service can have at most ${MAX_INSTANCES_PER_SERVICE} instances; ${service.name} has ${count?.count}`,
    );
  }
  let major: string | undefined = input.templateMajorVersion;
  if (major === undefined) {
    const { byTemplate } = await findRecommendedVersions(
      context.db,
      'service',
      [service.templateName],
    );
    major = byTemplate.get(service.templateName)?.split('.')[0] ?? '1';
  }
  const version = await selectPublishedVersion(
    context,
    'service',
    service.templateName,
    major,
    input.templateMinorVersion,
  );
  const entry = instanceEntry(
    checkServiceSpec(version.schema, input.spec),
    input.name,
  );
  await requireDeployableEnvironment(context, version, entry.environment);
  const record = await createServiceInstanceRecord(
    context,
    service,
    {
      name: input.name,
      environmentName: entry.environment,
      spec: input.spec,
      inputs: entry.spec,
      clientToken: input.clientToken,
      tags: input.tags,
    },
    version,
  );
  return { serviceInstance: describeServiceInstance(context, record) };
}

async function getServiceInstance(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireInstance(context, input.serviceName, input.name);
  return { serviceInstance: describeServiceInstance(context, record) };
}

const FILTER_COLUMNS: Record<string, string> = {
  name: 'name',
  deploymentStatus: 'deployment_status',
  templateName: 'template_name',
  serviceName: 'service_name',
  environmentName: 'environment_name',
};

/** Filters on times: the column and how it compares with the filter's value. */
const TIME_FILTERS: Record<string, [string, '<' | '>']> = {
  createdAtBefore: ['created_at', '<'],
  createdAtAfter: ['created_at', '>'],
  lastDeploymentAttemptedAtBefore: ['last_deployment_attempted_at', '<'],
  lastDeploymentAttemptedAtAfter: ['last_deployment_attempted_at', '>'],
};

/** A filter's time value: ISO 8601, or epoch seconds as the SDKs send timestamps. */
function filterTime(value: string): number | undefined {
  const epochSeconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : NaN;
  const time = Number.isNaN(epochSeconds) ? Date.parse(value) : epochSeconds;
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Applies ListServiceInstances filters to a query (all must match), as AWS does.
 *
 * @throws ProtonApiError ValidationException naming the member path of each filter at fault
 */
function applyInstanceFilters(
  query: Knex.QueryBuilder,
  filters: Array<{ key?: string; value?: string }>,
): void {
  const errors: string[] = [];
  filters.forEach((filter, index) => {
    const at = `filters.${index + 1}.member`;
    if (filter.key === undefined || filter.value === undefined) {
      for (const member of ['key', 'value'] as const) {
        if (filter[member] === undefined) {
          errors.push(
            `Value null at '${at}.${member}' failed to satisfy constraint: Member must not be null`,
          );
        }
      }
      return;
    }
    const column = FILTER_COLUMNS[filter.key];
    if (column) {
      query.where(column, filter.value);
      return;
    }
    const time = TIME_FILTERS[filter.key];
    if (!time) {
      errors.push(
        `Value '${
          filter.key
        }' at '${at}.key' is not supported by this control plane; use one of ${[
          ...Object.keys(FILTER_COLUMNS),
          ...Object.keys(TIME_FILTERS),
        ].join(', ')}`,
      );
      return;
    }
    const millis = filterTime(filter.value);
    if (millis === undefined) {
      errors.push(
        `Value '${filter.value}' at '${at}.value' failed to satisfy constraint: Member must be a ` +
          `time (ISO 8601, or seconds since the epoch) for the filter ${filter.key}`,
      );
      return;
    }
    query.where(time[0], time[1], millis);
  });
  if (errors.length > 0) {
    throw validationError(
      `${errors.length} validation error${
        errors.length === 1 ? '' : 's'
      } detected: ${errors.join('; ')}`,
    );
  }
}

/** Every sort key of the model, each made total by the instance's key. */
const SORT_COLUMNS: Record<string, string[]> = {
  name: ['name', 'service_name'],
  serviceName: ['service_name', 'name'],
  environmentName: ['environment_name', 'service_name', 'name'],
  deploymentStatus: ['deployment_status', 'service_name', 'name'],
  templateName: ['template_name', 'service_name', 'name'],
  createdAt: ['created_at', 'service_name', 'name'],
  lastDeploymentAttemptedAt: [
    'last_deployment_attempted_at',
    'service_name',
    'name',
  ],
};

async function listServiceInstances(
  input: OperationInput,
  context: OperationContext,
) {
  const query = context.db('service_instances');
  if (input.serviceName) query.where({ service_name: input.serviceName });
  applyInstanceFilters(query, input.filters ?? []);
  // The model's enum is checked before: every value has its columns.
  const keyColumns = SORT_COLUMNS[input.sortBy ?? 'serviceName'];
  const page = await fetchPage(query, {
    listing: `ListServiceInstances/${JSON.stringify([
      input.serviceName,
      input.filters,
      input.sortBy,
      input.sortOrder,
    ])}`,
    keyColumns,
    descending: input.sortOrder === 'DESCENDING',
    maxResults: input.maxResults,
    nextToken: input.nextToken,
  });
  return {
    serviceInstances: page.rows.map(row =>
      describeServiceInstance(context, toServiceInstanceRecord(row), true),
    ),
    nextToken: page.nextToken,
  };
}

/** The service and instance an update names; the instance must not be deploying. */
export async function requireUpdatableInstance(
  context: OperationContext,
  input: OperationInput,
): Promise<{ service: ServiceRecord; record: ServiceInstanceRecord }> {
  const service = await requireService(context, input.serviceName);
  const record = await requireInstance(context, service.name, input.name);
  if (OPEN_DEPLOYMENT_STATUSES.includes(record.deploymentStatus)) {
    throw conflictError(
      `The service instance ${record.name} is ${record.deploymentStatus}; wait for its deployment to end or cancel it`,
    );
  }
  return { service, record };
}

/** What an UpdateServiceInstance deploys, once checked. */
export interface ServiceInstanceUpdate {
  service: ServiceRecord;
  /** The instance as it is. */
  record: ServiceInstanceRecord;
  /** The version it deploys. */
  version: TemplateVersionRecord & { schema: string };
  /** The spec it deploys, markers resolved. */
  spec: string | undefined;
  /** The inputs it deploys, the version's defaults filled in. */
  inputs: ProtonInputs;
}

/**
 * Checks an UpdateServiceInstance (other than deploymentType NONE) as the operation does, without
 * changing anything: what it would deploy. Shared by the operation and the control plane's preview
 * route.
 *
 * @throws ProtonApiError as UpdateServiceInstance answers (not found, conflict, validation)
 */
export async function resolveServiceInstanceUpdate(
  input: OperationInput,
  context: OperationContext,
): Promise<ServiceInstanceUpdate> {
  const { service, record } = await requireUpdatableInstance(context, input);
  const version = await selectUpdateVersion(
    context,
    'service',
    record,
    input as { deploymentType: string },
  );
  const component = await findAttachedComponent(
    context.db,
    service.name,
    record.name,
  );
  if (
    component &&
    OPEN_DEPLOYMENT_STATUSES.includes(component.deploymentStatus)
  ) {
    throw conflictError(
      `The component ${component.name} of the service instance ${record.name} is ${component.deploymentStatus}; ` +
        'wait for its deployment to end or cancel it',
    );
  }
  if (
    component &&
    !version.supportedComponentSources?.includes('DIRECTLY_DEFINED')
  ) {
    throw validationError(
      `Version ${version.major}.${version.minor} of ${version.templateName} does not support components, and the ` +
        `service instance ${record.name} has the component ${component.name}: delete the component first`,
    );
  }
  // The spec is checked against the version deployed (an upgrade takes the target's schema and
  // defaults), after ${Proton::CURRENT_VAL} is replaced with the instance's current values.
  let spec = record.spec;
  let inputs: ProtonInputs;
  if (input.spec !== undefined) {
    spec = await resolveCurrentValuesInSpec(input.spec, () =>
      currentServiceValues(context, service.name),
    );
    const entry = checkServiceInstanceEntry(
      version.schema,
      spec,
      record.name,
      `the spec for version ${version.major}.${version.minor} of ${version.templateName}`,
    );
    if (entry.environment !== record.environmentName) {
      throw validationError(
        `The service instance ${record.name} runs in ${record.environmentName}; its environment cannot change`,
      );
    }
    inputs = entry.inputs;
  } else {
    inputs = await instanceInputs(context, record, version);
  }
  return { service, record, version, spec, inputs };
}

async function updateServiceInstanceOperation(
  input: OperationInput,
  context: OperationContext,
) {
  if (input.deploymentType === 'NONE') {
    const { record } = await requireUpdatableInstance(context, input);
    if (
      input.spec !== undefined ||
      input.templateMajorVersion ||
      input.templateMinorVersion
    ) {
      throw validationError(
        'deploymentType NONE changes nothing of a service instance; use CURRENT_VERSION',
      );
    }
    return { serviceInstance: describeServiceInstance(context, record) };
  }
  const { service, record, version, spec, inputs } =
    await resolveServiceInstanceUpdate(input, context);
  const updated: ServiceInstanceRecord = {
    ...record,
    templateMajor: version.major,
    templateMinor: version.minor,
    spec,
    lastClientRequestToken: input.clientToken ?? record.lastClientRequestToken,
    deploymentStatus: 'IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
    lastModifiedAt: context.now,
  };
  await updateServiceInstance(context.db, service.name, record.name, updated);
  await blockManualUpdate(context, service.name, record.name);
  await deployServiceInstance(
    context,
    service,
    updated,
    'provision',
    inputs,
    record,
  );
  return { serviceInstance: describeServiceInstance(context, updated) };
}

async function cancelServiceInstanceDeployment(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireInstance(
    context,
    input.serviceName,
    input.serviceInstanceName,
  );
  const status = await cancelDeployment(
    context,
    {
      label: `The service instance ${record.name}`,
      deploymentStatus: record.deploymentStatus,
      lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
      customerManaged: false,
    },
    () =>
      updateServiceInstance(context.db, record.serviceName, record.name, {
        deploymentStatus: 'CANCELLING',
        lastModifiedAt: context.now,
      }),
  );
  const current =
    status === 'CANCELLING'
      ? { ...record, deploymentStatus: status }
      : await requireInstance(context, record.serviceName, record.name);
  return { serviceInstance: describeServiceInstance(context, current) };
}

async function listServiceInstanceOutputs(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireInstance(
    context,
    input.serviceName,
    input.serviceInstanceName,
  );
  return {
    outputs: await listResourceOutputs(
      context,
      serviceInstanceArn(context.settings, record.serviceName, record.name),
      input.deploymentId,
    ),
  };
}

async function listServiceInstanceProvisionedResources(
  input: OperationInput,
  context: OperationContext,
) {
  await requireInstance(context, input.serviceName, input.serviceInstanceName);
  return { provisionedResources: [] };
}

/** The service instance operations. */
export const serviceInstanceOperations: Record<string, OperationDefinition> = {
  CreateServiceInstance: { handler: createServiceInstance },
  GetServiceInstance: { handler: getServiceInstance, readOnly: true },
  ListServiceInstances: { handler: listServiceInstances, readOnly: true },
  UpdateServiceInstance: { handler: updateServiceInstanceOperation },
  CancelServiceInstanceDeployment: { handler: cancelServiceInstanceDeployment },
  ListServiceInstanceOutputs: {
    handler: listServiceInstanceOutputs,
    readOnly: true,
  },
  ListServiceInstanceProvisionedResources: {
    handler: listServiceInstanceProvisionedResources,
    readOnly: true,
  },
};
