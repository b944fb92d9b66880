import type { Knex } from 'knex';
import { forgetServiceSync } from './syncAttemptStore';
import type { DeploymentStatus } from './deploymentStore';
import { createRecordMapper } from './recordMapper';

type Db = Knex | Knex.Transaction;

/** The states of a service, as the Proton API names them (those this control plane uses). */
export type ServiceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'ACTIVE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED';

/** A row of the `services` table. */
export interface ServiceRecord {
  name: string;
  templateName: string;
  spec: string;
  description?: string;
  status: ServiceStatus;
  statusMessage?: string;
  repositoryConnectionArn?: string;
  repositoryId?: string;
  branchName?: string;
  createdAt: Date;
  lastModifiedAt: Date;
}

/** A row of the `service_instances` table. */
export interface ServiceInstanceRecord {
  serviceName: string;
  name: string;
  environmentName: string;
  templateName: string;
  templateMajor: number;
  templateMinor: number;
  spec?: string;
  lastClientRequestToken?: string;
  deploymentStatus: DeploymentStatus;
  deploymentStatusMessage?: string;
  lastAttemptedDeploymentId?: string;
  lastSucceededDeploymentId?: string;
  lastDeploymentAttemptedAt?: Date;
  lastDeploymentSucceededAt?: Date;
  createdAt: Date;
  lastModifiedAt: Date;
}

/**
 * A row of the `service_pipelines` table: the CI/CD pipeline of a service whose template has one, with
 * its own template version and deployments.
 */
export interface ServicePipelineRecord {
  serviceName: string;
  /** The pipeline's ID, the last part of its ARN (`service/<service>/pipeline/<id>`). */
  pipelineId: string;
  templateName: string;
  templateMajor: number;
  templateMinor: number;
  /** The service spec the pipeline was last deployed with (its `pipeline` section holds the inputs). */
  spec: string;
  deploymentStatus: DeploymentStatus;
  deploymentStatusMessage?: string;
  lastAttemptedDeploymentId?: string;
  lastSucceededDeploymentId?: string;
  lastDeploymentAttemptedAt?: Date;
  lastDeploymentSucceededAt?: Date;
  createdAt: Date;
  lastModifiedAt: Date;
}

const serviceRows = createRecordMapper<ServiceRecord>([
  ['name', 'name'],
  ['templateName', 'template_name'],
  ['spec', 'spec'],
  ['description', 'description'],
  ['status', 'status'],
  ['statusMessage', 'status_message'],
  ['repositoryConnectionArn', 'repository_connection_arn'],
  ['repositoryId', 'repository_id'],
  ['branchName', 'branch_name'],
  ['createdAt', 'created_at', 'date'],
  ['lastModifiedAt', 'last_modified_at', 'date'],
]);

const instanceRows = createRecordMapper<ServiceInstanceRecord>([
  ['serviceName', 'service_name'],
  ['name', 'name'],
  ['environmentName', 'environment_name'],
  ['templateName', 'template_name'],
  ['templateMajor', 'template_major', 'number'],
  ['templateMinor', 'template_minor', 'number'],
  ['spec', 'spec'],
  ['lastClientRequestToken', 'last_client_request_token'],
  ['deploymentStatus', 'deployment_status'],
  ['deploymentStatusMessage', 'deployment_status_message'],
  ['lastAttemptedDeploymentId', 'last_attempted_deployment_id'],
  ['lastSucceededDeploymentId', 'last_succeeded_deployment_id'],
  ['lastDeploymentAttemptedAt', 'last_deployment_attempted_at', 'date'],
  ['lastDeploymentSucceededAt', 'last_deployment_succeeded_at', 'date'],
  ['createdAt', 'created_at', 'date'],
  ['lastModifiedAt', 'last_modified_at', 'date'],
]);

const pipelineRows = createRecordMapper<ServicePipelineRecord>([
  ['serviceName', 'service_name'],
  ['pipelineId', 'pipeline_id'],
  ['templateName', 'template_name'],
  ['templateMajor', 'template_major', 'number'],
  ['templateMinor', 'template_minor', 'number'],
  ['spec', 'spec'],
  ['deploymentStatus', 'deployment_status'],
  ['deploymentStatusMessage', 'deployment_status_message'],
  ['lastAttemptedDeploymentId', 'last_attempted_deployment_id'],
  ['lastSucceededDeploymentId', 'last_succeeded_deployment_id'],
  ['lastDeploymentAttemptedAt', 'last_deployment_attempted_at', 'date'],
  ['lastDeploymentSucceededAt', 'last_deployment_succeeded_at', 'date'],
  ['createdAt', 'created_at', 'date'],
  ['lastModifiedAt', 'last_modified_at', 'date'],
]);

/** Reads a service's pipeline, or undefined when it has none. */
export async function findServicePipeline(
  db: Db,
  serviceName: string,
): Promise<ServicePipelineRecord | undefined> {
  const row = await db('service_pipelines')
    .where({ service_name: serviceName })
    .first();
  return row ? pipelineRows.fromRow(row) : undefined;
}

/** Inserts a service's pipeline. */
export async function insertServicePipeline(
  db: Db,
  record: ServicePipelineRecord,
): Promise<void> {
  await db('service_pipelines').insert(pipelineRows.toRow(record));
}

/** Updates some fields of a service's pipeline. */
export async function updateServicePipeline(
  db: Db,
  serviceName: string,
  changes: Partial<ServicePipelineRecord>,
): Promise<void> {
  await db('service_pipelines')
    .where({ service_name: serviceName })
    .update(pipelineRows.toRow(changes));
}

/** Maps a `services` row to a record. */
export const toServiceRecord = serviceRows.fromRow;

/** Maps a `service_instances` row to a record. */
export const toServiceInstanceRecord = instanceRows.fromRow;

/** Reads a service, or undefined. */
export async function findService(
  db: Db,
  name: string,
): Promise<ServiceRecord | undefined> {
  const row = await db('services').where({ name }).first();
  return row ? toServiceRecord(row) : undefined;
}

/** Inserts a service. */
export async function insertService(
  db: Db,
  record: ServiceRecord,
): Promise<void> {
  await db('services').insert(serviceRows.toRow(record));
}

/** Updates some fields of a service. */
export async function updateService(
  db: Db,
  name: string,
  changes: Partial<ServiceRecord>,
): Promise<void> {
  await db('services').where({ name }).update(serviceRows.toRow(changes));
}

/** Reads a service instance, or undefined. */
export async function findServiceInstance(
  db: Db,
  serviceName: string,
  name: string,
): Promise<ServiceInstanceRecord | undefined> {
  const row = await db('service_instances')
    .where({ service_name: serviceName, name })
    .first();
  return row ? toServiceInstanceRecord(row) : undefined;
}

/** Reads the instances of a service, by name. */
export async function listServiceInstanceRecords(
  db: Db,
  serviceName: string,
): Promise<ServiceInstanceRecord[]> {
  const rows = await db('service_instances')
    .where({ service_name: serviceName })
    .orderBy('name');
  return rows.map(toServiceInstanceRecord);
}

/** Inserts a service instance. */
export async function insertServiceInstance(
  db: Db,
  record: ServiceInstanceRecord,
): Promise<void> {
  await db('service_instances').insert(instanceRows.toRow(record));
}

/** Updates some fields of a service instance. */
export async function updateServiceInstance(
  db: Db,
  serviceName: string,
  name: string,
  changes: Partial<ServiceInstanceRecord>,
): Promise<void> {
  await db('service_instances')
    .where({ service_name: serviceName, name })
    .update(instanceRows.toRow(changes));
}

const OPEN_INSTANCE_STATUSES = new Set<DeploymentStatus>([
  'IN_PROGRESS',
  'CANCELLING',
  'DELETE_IN_PROGRESS',
]);

/**
 * Brings a service's status up to date after a deployment of one of its instances or of its pipeline
 * ended: a service being created or updated becomes ACTIVE once every instance and the pipeline
 * succeeded, or CREATE_FAILED / UPDATE_FAILED when one did not; a service being deleted is removed
 * with its tags once its last instance and its pipeline are gone, or becomes DELETE_FAILED.
 */
export async function refreshServiceStatus(
  db: Db,
  serviceName: string,
  serviceArn: string,
  now: Date,
): Promise<void> {
  const service = await findService(db, serviceName);
  if (!service || !service.status.endsWith('_IN_PROGRESS')) return;
  const pipeline = await findServicePipeline(db, serviceName);
  const parts: Array<{
    name: string;
    label: string;
    deploymentStatus: DeploymentStatus;
    deploymentStatusMessage?: string;
  }> = [
    ...(await listServiceInstanceRecords(db, serviceName)).map(instance => ({
      ...instance,
      label: `the instance ${instance.name}`,
    })),
    ...(pipeline
      ? [{ ...pipeline, name: 'pipeline', label: 'the pipeline' }]
      : []),
  ];
  if (parts.some(part => OPEN_INSTANCE_STATUSES.has(part.deploymentStatus))) {
    return;
  }
  if (service.status === 'DELETE_IN_PROGRESS') {
    if (parts.length === 0) {
      await db('services').where({ name: serviceName }).delete();
      await forgetServiceSync(db, serviceName);
      await db('tags').where({ resource_arn: serviceArn }).delete();
      await db('create_requests').where({ resource_arn: serviceArn }).delete();
      return;
    }
    await updateService(db, serviceName, {
      status: 'DELETE_FAILED',
      statusMessage: `Deleting ${parts
        .map(part => part.label)
        .join(', ')} failed`,
      lastModifiedAt: now,
    });
    return;
  }
  const failed = parts.filter(part => part.deploymentStatus !== 'SUCCEEDED');
  if (failed.length === 0) {
    await updateService(db, serviceName, {
      status: 'ACTIVE',
      statusMessage: undefined,
      lastModifiedAt: now,
    });
    return;
  }
  await updateService(db, serviceName, {
    status:
      service.status === 'CREATE_IN_PROGRESS'
        ? 'CREATE_FAILED'
        : 'UPDATE_FAILED',
    statusMessage: failed
      .map(
        part =>
          `${part.name}: ${
            part.deploymentStatusMessage ?? part.deploymentStatus
          }`,
      )
      .join('; '),
    lastModifiedAt: now,
  });
}
