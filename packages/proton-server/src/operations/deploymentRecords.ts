import { randomUUID } from 'node:crypto';
import type { StoredDeploymentJob } from '../deployments/deploymentRunner';
import { conflictError } from '../protocol/errors';
import { isUniqueViolation } from '../store/database';
import { DeploymentRecord, insertDeployment } from '../store/deploymentStore';
import type { OperationContext } from './operationContext';
import { deploymentArn } from './resourceArns';

/** What a new deployment is about. */
export interface NewDeployment {
  targetArn: string;
  targetResourceType: DeploymentRecord['targetResourceType'];
  targetResourceCreatedAt: Date;
  action: DeploymentRecord['action'];
  environmentName: string;
  serviceName?: string;
  serviceInstanceName?: string;
  componentName?: string;
  templateName: string;
  templateMajor: number;
  templateMinor: number;
  initialState?: Record<string, unknown>;
  targetState: Record<string, unknown>;
  lastSucceededDeploymentId?: string;
}

/** How a client reads the resource a deployment deploys. */
function targetLabel(deployment: NewDeployment): string {
  switch (deployment.targetResourceType) {
    case 'ENVIRONMENT':
      return `The environment ${deployment.environmentName}`;
    case 'SERVICE_PIPELINE':
      return `The pipeline of the service ${deployment.serviceName}`;
    case 'COMPONENT':
      return `The component ${deployment.componentName}`;
    default:
      return `The service instance ${deployment.serviceInstanceName} of the service ${deployment.serviceName}`;
  }
}

/**
 * Records a deployment IN_PROGRESS (DELETE_IN_PROGRESS for a deprovisioning). The database holds at
 * most one open deployment per target (a partial unique index), so of concurrent requests to deploy
 * one resource, on any number of servers sharing the database, exactly one is recorded.
 *
 * @throws ProtonApiError ConflictException when the target already has an open deployment
 */
export async function recordDeployment(
  context: OperationContext,
  deployment: NewDeployment,
): Promise<DeploymentRecord> {
  const id = randomUUID();
  const record: DeploymentRecord = {
    ...deployment,
    id,
    deploymentStatus:
      deployment.action === 'deprovision'
        ? 'DELETE_IN_PROGRESS'
        : 'IN_PROGRESS',
    lastAttemptedDeploymentId: id,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  try {
    await insertDeployment(context.db, record);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw conflictError(
      `${targetLabel(
        deployment,
      )} already has a deployment in progress; wait for it to end or cancel it`,
    );
  }
  return record;
}

/**
 * Keeps the job of a recorded deployment with it (so that any server, also after a restart, can run
 * or resume it) and hands it to the runner once the operation has committed. Resources provisioned
 * by the customer (`provisioningRepository`) are never run here: they wait for notifications.
 */
export async function dispatchDeployment(
  context: OperationContext,
  record: DeploymentRecord,
  job: Pick<
    StoredDeploymentJob,
    'infrastructureFolder' | 'protonInputs' | 'componentFiles'
  >,
): Promise<void> {
  const stored: StoredDeploymentJob = {
    ...job,
    deploymentId: record.id,
    action: record.action,
    resourceArn: record.targetArn,
    targetResourceType: record.targetResourceType,
    region: context.settings.region,
    accountId: context.settings.accountId,
  };
  await context
    .db('deployments')
    .where({ id: record.id })
    .update({ job: JSON.stringify(stored) });
  context.afterCommit(() => context.deployments.start(record.id));
}

/** A deployment as GetDeployment returns it, or as ListDeployments summarizes it. */
export function describeDeployment(
  context: OperationContext,
  record: DeploymentRecord,
  summary: boolean,
): Record<string, unknown> {
  return {
    id: record.id,
    arn: deploymentArn(context.settings, record.id),
    targetArn: record.targetArn,
    targetResourceCreatedAt: record.targetResourceCreatedAt,
    targetResourceType: record.targetResourceType,
    // A pipeline belongs to no environment: its deployments keep an empty name, not shown.
    environmentName: record.environmentName || undefined,
    serviceName: record.serviceName,
    serviceInstanceName: record.serviceInstanceName,
    componentName: record.componentName,
    deploymentStatus: record.deploymentStatus,
    deploymentStatusMessage: summary ? undefined : record.statusMessage,
    createdAt: record.createdAt,
    lastModifiedAt: record.lastModifiedAt,
    completedAt: record.completedAt,
    lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
    initialState: summary ? undefined : record.initialState,
    targetState: summary ? undefined : record.targetState,
  };
}

/**
 * The outputs of an environment or service instance, all of them (the Proton model gives these
 * listings no pages), optionally only those of one deployment.
 */
export async function listResourceOutputs(
  context: OperationContext,
  resourceArn: string,
  deploymentId?: string,
): Promise<Array<{ key: string; valueString: string }>> {
  const query = context
    .db('outputs')
    .where({ resource_arn: resourceArn })
    .orderBy('key');
  if (deploymentId) query.where({ deployment_id: deploymentId });
  const rows = await query;
  return rows.map(row => ({ key: row.key, valueString: row.value_string }));
}

/** What cancelling needs to know about the environment or instance whose deployment is cancelled. */
export interface CancellableResource {
  label: string;
  deploymentStatus: string;
  lastAttemptedDeploymentId?: string;
  customerManaged: boolean;
}

/**
 * Cancels a resource's deployment in progress: with a runner, marks it CANCELLING (via `markCancelling`)
 * and asks the runner to stop after commit; without one, cancels it at once.
 *
 * @returns the status the resource now has
 * @throws ProtonApiError ConflictException when no deployment is in progress
 */
export async function cancelDeployment(
  context: OperationContext,
  resource: CancellableResource,
  markCancelling: () => Promise<void>,
): Promise<'CANCELLING' | 'CANCELLED'> {
  const deploymentId = resource.lastAttemptedDeploymentId;
  if (resource.deploymentStatus !== 'IN_PROGRESS' || !deploymentId) {
    throw conflictError(
      `${resource.label} has no deployment in progress (it is ${resource.deploymentStatus})`,
    );
  }
  if (context.deployments.hasRunner && !resource.customerManaged) {
    await context.db('deployments').where({ id: deploymentId }).update({
      deployment_status: 'CANCELLING',
      last_modified_at: context.now.getTime(),
    });
    await markCancelling();
    context.afterCommit(() => context.deployments.cancel(deploymentId));
    return 'CANCELLING';
  }
  await context.deployments.finish(
    context.db,
    deploymentId,
    { status: 'CANCELLED' },
    context.now,
  );
  return 'CANCELLED';
}
