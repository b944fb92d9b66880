import type { Knex } from 'knex';
import type { DeploymentStatus } from './deploymentStore';
import { createRecordMapper } from './recordMapper';

type Db = Knex | Knex.Transaction;

/** A row of the `components` table: a directly defined component. */
export interface ComponentRecord {
  name: string;
  description?: string;
  /** The environment it is deployed to: its service instance's, or its own when it stands alone. */
  environmentName: string;
  serviceName?: string;
  serviceInstanceName?: string;
  /** The service spec the component reads its service instance's inputs from, when attached. */
  serviceSpec?: string;
  /** The component's `manifest.yaml`. */
  manifest: string;
  /** The infrastructure as code file the manifest names. */
  templateFile: string;
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

const componentRows = createRecordMapper<ComponentRecord>([
  ['name', 'name'],
  ['description', 'description'],
  ['environmentName', 'environment_name'],
  ['serviceName', 'service_name'],
  ['serviceInstanceName', 'service_instance_name'],
  ['serviceSpec', 'service_spec'],
  ['manifest', 'manifest'],
  ['templateFile', 'template_file'],
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

/** Maps a `components` row to a record. */
export const toComponentRecord = componentRows.fromRow;

/** Reads a component, or undefined. */
export async function findComponent(
  db: Db,
  name: string,
): Promise<ComponentRecord | undefined> {
  const row = await db('components').where({ name }).first();
  return row ? toComponentRecord(row) : undefined;
}

/** The component attached to a service instance, or undefined. */
export async function findAttachedComponent(
  db: Db,
  serviceName: string,
  serviceInstanceName: string,
): Promise<ComponentRecord | undefined> {
  const row = await db('components')
    .where({
      service_name: serviceName,
      service_instance_name: serviceInstanceName,
    })
    .first();
  return row ? toComponentRecord(row) : undefined;
}

/** Inserts a component. */
export async function insertComponent(
  db: Db,
  record: ComponentRecord,
): Promise<void> {
  await db('components').insert(componentRows.toRow(record));
}

/** Updates some fields of a component. */
export async function updateComponent(
  db: Db,
  name: string,
  changes: Partial<ComponentRecord>,
): Promise<void> {
  await db('components').where({ name }).update(componentRows.toRow(changes));
}
