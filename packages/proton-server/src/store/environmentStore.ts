import type { Knex } from 'knex';
import type { DeploymentStatus } from './deploymentStore';
import { createRecordMapper } from './recordMapper';

type Db = Knex | Knex.Transaction;

/** A row of the `environments` table. */
export interface EnvironmentRecord {
  name: string;
  templateName: string;
  templateMajor: number;
  templateMinor: number;
  spec?: string;
  description?: string;
  protonServiceRoleArn?: string;
  codebuildRoleArn?: string;
  componentRoleArn?: string;
  environmentAccountConnectionId?: string;
  environmentAccountId?: string;
  provisioning?: string;
  provisioningRepository?: Record<string, unknown>;
  deploymentStatus: DeploymentStatus;
  deploymentStatusMessage?: string;
  lastAttemptedDeploymentId?: string;
  lastSucceededDeploymentId?: string;
  lastDeploymentAttemptedAt?: Date;
  lastDeploymentSucceededAt?: Date;
  createdAt: Date;
  lastModifiedAt: Date;
}

const environmentRows = createRecordMapper<EnvironmentRecord>([
  ['name', 'name'],
  ['templateName', 'template_name'],
  ['templateMajor', 'template_major', 'number'],
  ['templateMinor', 'template_minor', 'number'],
  ['spec', 'spec'],
  ['description', 'description'],
  ['protonServiceRoleArn', 'proton_service_role_arn'],
  ['codebuildRoleArn', 'codebuild_role_arn'],
  ['componentRoleArn', 'component_role_arn'],
  ['environmentAccountConnectionId', 'environment_account_connection_id'],
  ['environmentAccountId', 'environment_account_id'],
  ['provisioning', 'provisioning'],
  ['provisioningRepository', 'provisioning_repository', 'json'],
  ['deploymentStatus', 'deployment_status'],
  ['deploymentStatusMessage', 'deployment_status_message'],
  ['lastAttemptedDeploymentId', 'last_attempted_deployment_id'],
  ['lastSucceededDeploymentId', 'last_succeeded_deployment_id'],
  ['lastDeploymentAttemptedAt', 'last_deployment_attempted_at', 'date'],
  ['lastDeploymentSucceededAt', 'last_deployment_succeeded_at', 'date'],
  ['createdAt', 'created_at', 'date'],
  ['lastModifiedAt', 'last_modified_at', 'date'],
]);

/** Maps an `environments` row to a record. */
export const toEnvironmentRecord = environmentRows.fromRow;

/** Reads an environment, or undefined. */
export async function findEnvironment(
  db: Db,
  name: string,
): Promise<EnvironmentRecord | undefined> {
  const row = await db('environments').where({ name }).first();
  return row ? toEnvironmentRecord(row) : undefined;
}

/** Inserts an environment. */
export async function insertEnvironment(
  db: Db,
  record: EnvironmentRecord,
): Promise<void> {
  await db('environments').insert(environmentRows.toRow(record));
}

/** Updates some fields of an environment. */
export async function updateEnvironment(
  db: Db,
  name: string,
  changes: Partial<EnvironmentRecord>,
): Promise<void> {
  await db('environments')
    .where({ name })
    .update(environmentRows.toRow(changes));
}
