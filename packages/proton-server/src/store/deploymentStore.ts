import type { Knex } from 'knex';
import { forUpdate } from './databaseDialect';

type Db = Knex | Knex.Transaction;

/** The states of a deployment and of the resource it deploys. */
export type DeploymentStatus =
  | 'IN_PROGRESS'
  | 'FAILED'
  | 'SUCCEEDED'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'CANCELLING'
  | 'CANCELLED';

/** A row of the `deployments` table. */
export interface DeploymentRecord {
  id: string;
  targetArn: string;
  targetResourceType:
    | 'ENVIRONMENT'
    | 'SERVICE_INSTANCE'
    | 'SERVICE_PIPELINE'
    | 'COMPONENT';
  targetResourceCreatedAt: Date;
  action: 'provision' | 'deprovision';
  /** The environment deployed to; empty for a pipeline's deployments. */
  environmentName: string;
  serviceName?: string;
  serviceInstanceName?: string;
  /** The component deployed, for a component's deployments. */
  componentName?: string;
  templateName: string;
  templateMajor: number;
  templateMinor: number;
  deploymentStatus: DeploymentStatus;
  statusMessage?: string;
  /** The deployed state before this deployment (Proton's `initialState`), if any. */
  initialState?: Record<string, unknown>;
  /** The state this deployment deploys (Proton's `targetState`). */
  targetState: Record<string, unknown>;
  lastAttemptedDeploymentId?: string;
  lastSucceededDeploymentId?: string;
  completedAt?: Date;
  createdAt: Date;
  lastModifiedAt: Date;
}

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined
    ? undefined
    : new Date(Number(value));
}

/** Maps a `deployments` row to a record. */
export function toDeploymentRecord(row: Record<string, any>): DeploymentRecord {
  return {
    id: row.id,
    targetArn: row.target_arn,
    targetResourceType: row.target_resource_type,
    targetResourceCreatedAt: new Date(Number(row.target_resource_created_at)),
    action: row.action,
    environmentName: row.environment_name,
    serviceName: optional(row.service_name),
    serviceInstanceName: optional(row.service_instance_name),
    componentName: optional(row.component_name),
    templateName: row.template_name,
    templateMajor: Number(row.template_major),
    templateMinor: Number(row.template_minor),
    deploymentStatus: row.deployment_status,
    statusMessage: optional(row.status_message),
    initialState: row.initial_state ? JSON.parse(row.initial_state) : undefined,
    targetState: JSON.parse(row.target_state),
    lastAttemptedDeploymentId: optional(row.last_attempted_deployment_id),
    lastSucceededDeploymentId: optional(row.last_succeeded_deployment_id),
    completedAt: optionalDate(row.completed_at),
    createdAt: new Date(Number(row.created_at)),
    lastModifiedAt: new Date(Number(row.last_modified_at)),
  };
}

/** Inserts a deployment. */
export async function insertDeployment(
  db: Db,
  record: DeploymentRecord,
): Promise<void> {
  await db('deployments').insert({
    id: record.id,
    target_arn: record.targetArn,
    target_resource_type: record.targetResourceType,
    target_resource_created_at: record.targetResourceCreatedAt.getTime(),
    action: record.action,
    environment_name: record.environmentName,
    service_name: record.serviceName ?? null,
    service_instance_name: record.serviceInstanceName ?? null,
    component_name: record.componentName ?? null,
    template_name: record.templateName,
    template_major: record.templateMajor,
    template_minor: record.templateMinor,
    deployment_status: record.deploymentStatus,
    status_message: record.statusMessage ?? null,
    initial_state: record.initialState
      ? JSON.stringify(record.initialState)
      : null,
    target_state: JSON.stringify(record.targetState),
    last_attempted_deployment_id: record.lastAttemptedDeploymentId ?? null,
    last_succeeded_deployment_id: record.lastSucceededDeploymentId ?? null,
    completed_at: record.completedAt?.getTime() ?? null,
    created_at: record.createdAt.getTime(),
    last_modified_at: record.lastModifiedAt.getTime(),
  });
}

/** Reads a deployment, or undefined. */
export async function findDeployment(
  db: Db,
  id: string,
): Promise<DeploymentRecord | undefined> {
  const row = await db('deployments').where({ id }).first();
  return row ? toDeploymentRecord(row) : undefined;
}

/** Replaces the outputs of a resource with those of its latest successful deployment. */
export async function replaceOutputs(
  db: Db,
  resourceArn: string,
  deploymentId: string,
  outputs: Array<{ key: string; valueString: string }>,
): Promise<void> {
  await db('outputs').where({ resource_arn: resourceArn }).delete();
  const byKey = new Map(
    outputs.map(output => [output.key, output.valueString]),
  );
  for (const [key, value] of byKey) {
    await db('outputs').insert({
      resource_arn: resourceArn,
      key,
      value_string: value,
      deployment_id: deploymentId,
    });
  }
}

/** Removes everything recorded about a deleted resource: outputs and tags. */
export async function forgetResource(
  db: Db,
  resourceArn: string,
): Promise<void> {
  await db('outputs').where({ resource_arn: resourceArn }).delete();
  await db('tags').where({ resource_arn: resourceArn }).delete();
  await db('create_requests').where({ resource_arn: resourceArn }).delete();
}

/** Remembers outputs a running deployment notified (status IN_PROGRESS), merged with earlier ones. */
export async function addNotifiedOutputs(
  db: Db,
  id: string,
  outputs: Array<{ key: string; valueString: string }>,
): Promise<void> {
  // Locked: notifications of one deployment arriving together each keep the other's outputs.
  const row = await forUpdate(
    db,
    db('deployments').where({ id }).first('notified_outputs'),
  );
  const merged = new Map<string, string>(
    (row?.notified_outputs ? JSON.parse(row.notified_outputs) : []).map(
      (output: { key: string; valueString: string }) => [
        output.key,
        output.valueString,
      ],
    ),
  );
  for (const output of outputs) merged.set(output.key, output.valueString);
  await db('deployments')
    .where({ id })
    .update({
      notified_outputs: JSON.stringify(
        [...merged].map(([key, valueString]) => ({ key, valueString })),
      ),
    });
}

/** The outputs a deployment notified while it ran. */
export async function findNotifiedOutputs(
  db: Db,
  id: string,
): Promise<Array<{ key: string; valueString: string }>> {
  const row = await db('deployments').where({ id }).first('notified_outputs');
  return row?.notified_outputs ? JSON.parse(row.notified_outputs) : [];
}

/** Keeps the log of an ended deployment. */
export async function saveDeploymentLog(
  db: Db,
  id: string,
  log: string,
): Promise<void> {
  await db('deployment_logs')
    .insert({ deployment_id: id, log })
    .onConflict('deployment_id')
    .merge();
}

/** The kept log of a deployment, or undefined. */
export async function findDeploymentLog(
  db: Db,
  id: string,
): Promise<string | undefined> {
  const row = await db('deployment_logs').where({ deployment_id: id }).first();
  return row?.log;
}
