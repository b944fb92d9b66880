import { randomUUID } from 'node:crypto';
import {
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import {
  activeSyncBlockers,
  findServiceSyncConfig,
  insertSyncBlocker,
  ServiceSyncConfigRecord,
  SyncBlockerRecord,
  toSyncBlockerRecord,
} from '../store/serviceSyncStore';
import { findServiceInstance } from '../store/serviceStore';
import { latestInstanceAttempt } from '../store/syncAttemptStore';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { describeEvents, requireLinkedRepository } from './repositories';
import { requireService } from './services';
import { requestBranchSync } from '../store/repositoryStore';
import { branchNameProblem } from '../protocol/gitNames';
import type { ResourceSyncAttemptRecord } from '../store/repositoryStore';
import { findDeployment } from '../store/deploymentStore';
import { OPEN_DEPLOYMENT_STATUSES } from '../deployments/deploymentCoordinator';

/**
 * Service sync (AWS Proton API reference: CreateServiceSyncConfig, GetServiceSyncConfig,
 * UpdateServiceSyncConfig, DeleteServiceSyncConfig, GetServiceInstanceSyncStatus,
 * GetServiceSyncBlockerSummary, UpdateServiceSyncBlocker): a service's instances follow the
 * proton-ops file of a linked repository, which names, per instance, the branch and the spec file
 * to deploy (see sync/serviceSync.ts). An instance updated by hand gets a sync blocker that stops
 * its automatic deployments until someone resolves it.
 */

function describeConfig(config: ServiceSyncConfigRecord) {
  return {
    serviceName: config.serviceName,
    repositoryProvider: config.repositoryProvider,
    repositoryName: config.repositoryName,
    branch: config.branch,
    filePath: config.filePath,
  };
}

function describeBlocker(blocker: SyncBlockerRecord) {
  return {
    id: blocker.id,
    type: blocker.type,
    status: blocker.status,
    createdReason: blocker.createdReason,
    createdAt: blocker.createdAt,
    resolvedReason: blocker.resolvedReason,
    resolvedAt: blocker.resolvedAt,
    contexts: blocker.contexts,
  };
}

/** The branch whose commits a service sync follows: the proton-ops file's. */
function branchOf(config: ServiceSyncConfigRecord) {
  return {
    repositoryProvider: config.repositoryProvider,
    repositoryName: config.repositoryName,
    branch: config.branch,
    syncType: 'SERVICE_SYNC' as const,
  };
}

async function requireConfig(
  context: OperationContext,
  serviceName: string,
): Promise<ServiceSyncConfigRecord> {
  const config = await findServiceSyncConfig(context.db, serviceName);
  if (!config) {
    throw resourceNotFound(
      `The service sync configuration of the service ${serviceName}`,
    );
  }
  return config;
}

function checkFilePath(filePath: string): void {
  if (filePath.split('/').some(segment => segment === '..')) {
    throw validationError(
      `The proton-ops file path ${filePath} must be a file of the repository, without ".." segments`,
    );
  }
}

async function createConfig(input: OperationInput, context: OperationContext) {
  const service = await context
    .db('services')
    .where({ name: input.serviceName })
    .first('name');
  if (!service) {
    throw validationError(
      `The service ${input.serviceName} does not exist; create it before its sync configuration`,
    );
  }
  await requireLinkedRepository(
    context,
    input.repositoryProvider,
    input.repositoryName,
  );
  checkFilePath(input.filePath);
  const badBranch = branchNameProblem(input.branch);
  if (badBranch) throw validationError(badBranch);
  if (await findServiceSyncConfig(context.db, input.serviceName)) {
    throw conflictError(
      `The service ${input.serviceName} already has a service sync configuration; change it with UpdateServiceSyncConfig`,
    );
  }
  const config: ServiceSyncConfigRecord = {
    serviceName: input.serviceName,
    repositoryProvider: input.repositoryProvider,
    repositoryName: input.repositoryName,
    branch: input.branch,
    filePath: input.filePath,
  };
  await context.db('service_sync_configs').insert({
    service_name: config.serviceName,
    repository_provider: config.repositoryProvider,
    repository_name: config.repositoryName,
    branch: config.branch,
    file_path: config.filePath,
    created_at: context.now.getTime(),
  });
  // the configuration changed: its branch's commit is synced again (recorded with the change)
  await requestBranchSync(context.db, branchOf(config), true);
  context.afterCommit(() =>
    context.repositorySync.request(branchOf(config), false),
  );
  return { serviceSyncConfig: describeConfig(config) };
}

async function getConfig(input: OperationInput, context: OperationContext) {
  return {
    serviceSyncConfig: describeConfig(
      await requireConfig(context, input.serviceName),
    ),
  };
}

async function updateConfig(input: OperationInput, context: OperationContext) {
  await requireConfig(context, input.serviceName);
  await requireLinkedRepository(
    context,
    input.repositoryProvider,
    input.repositoryName,
  );
  checkFilePath(input.filePath);
  const badBranch = branchNameProblem(input.branch);
  if (badBranch) throw validationError(badBranch);
  const config: ServiceSyncConfigRecord = {
    serviceName: input.serviceName,
    repositoryProvider: input.repositoryProvider,
    repositoryName: input.repositoryName,
    branch: input.branch,
    filePath: input.filePath,
  };
  await context
    .db('service_sync_configs')
    .where({ service_name: config.serviceName })
    .update({
      repository_provider: config.repositoryProvider,
      repository_name: config.repositoryName,
      branch: config.branch,
      file_path: config.filePath,
    });
  // the configuration changed: its branch's commit is synced again (recorded with the change)
  await requestBranchSync(context.db, branchOf(config), true);
  context.afterCommit(() =>
    context.repositorySync.request(branchOf(config), false),
  );
  return { serviceSyncConfig: describeConfig(config) };
}

async function deleteConfig(input: OperationInput, context: OperationContext) {
  const config = await requireConfig(context, input.serviceName);
  await context
    .db('service_sync_configs')
    .where({ service_name: config.serviceName })
    .delete();
  return { serviceSyncConfig: describeConfig(config) };
}

/**
 * An attempt as the API shows it: one that started a deployment shows how the deployment ended
 * (SUCCEEDED, or FAILED with its status message) once it has.
 */
async function describeAttempt(
  context: OperationContext,
  attempt: ResourceSyncAttemptRecord,
) {
  let status = attempt.status;
  const events = [...attempt.events];
  const deploymentId = events.find(e => e.type === 'DEPLOYING')?.externalId;
  if (status === 'IN_PROGRESS' && deploymentId) {
    const deployment = await findDeployment(context.db, deploymentId);
    if (deployment?.deploymentStatus === 'SUCCEEDED') {
      status = 'SUCCEEDED';
      events.push({
        type: 'SUCCEEDED',
        event: `The deployment ${deploymentId} succeeded`,
        time: deployment.completedAt ?? attempt.startedAt,
        externalId: deploymentId,
      });
    } else if (
      deployment &&
      !OPEN_DEPLOYMENT_STATUSES.includes(deployment.deploymentStatus)
    ) {
      status = 'FAILED';
      events.push({
        type: 'FAILED',
        event: `The deployment ${deploymentId} ended ${
          deployment.deploymentStatus
        }${deployment.statusMessage ? `: ${deployment.statusMessage}` : ''}`,
        time: deployment.completedAt ?? attempt.startedAt,
        externalId: deploymentId,
      });
    }
  }
  return {
    initialRevision: attempt.initialRevision,
    targetRevision: attempt.targetRevision,
    target: attempt.target,
    startedAt: attempt.startedAt,
    status,
    events: describeEvents(events),
  };
}

async function getInstanceSyncStatus(
  input: OperationInput,
  context: OperationContext,
) {
  await requireService(context, input.serviceName);
  if (
    !(await findServiceInstance(
      context.db,
      input.serviceName,
      input.serviceInstanceName,
    ))
  ) {
    throw resourceNotFound(
      `The service instance ${input.serviceInstanceName} of ${input.serviceName}`,
    );
  }
  const latest = await latestInstanceAttempt(
    context.db,
    input.serviceName,
    input.serviceInstanceName,
  );
  const succeeded =
    latest?.status === 'SUCCEEDED'
      ? latest
      : await latestInstanceAttempt(
          context.db,
          input.serviceName,
          input.serviceInstanceName,
          'SUCCEEDED',
        );
  return {
    latestSync: latest ? await describeAttempt(context, latest) : undefined,
    latestSuccessfulSync: succeeded
      ? await describeAttempt(context, succeeded)
      : undefined,
    desiredState: latest?.targetRevision,
  };
}

async function getBlockerSummary(
  input: OperationInput,
  context: OperationContext,
) {
  await requireService(context, input.serviceName);
  const blockers = await activeSyncBlockers(
    context.db,
    input.serviceName,
    input.serviceInstanceName,
  );
  return {
    serviceSyncBlockerSummary: {
      serviceName: input.serviceName,
      serviceInstanceName: input.serviceInstanceName,
      latestBlockers: blockers
        .filter(
          blocker =>
            !input.serviceInstanceName ||
            blocker.serviceInstanceName === input.serviceInstanceName ||
            !blocker.serviceInstanceName,
        )
        .map(describeBlocker),
    },
  };
}

async function resolveBlocker(
  input: OperationInput,
  context: OperationContext,
) {
  const row = await context
    .db('service_sync_blockers')
    .where({ id: input.id })
    .first();
  if (!row) throw resourceNotFound(`The service sync blocker ${input.id}`);
  const blocker = toSyncBlockerRecord(row);
  if (blocker.status === 'RESOLVED') {
    throw conflictError(
      `The service sync blocker ${
        blocker.id
      } was resolved already, on ${blocker.resolvedAt?.toISOString()}`,
    );
  }
  const resolved: SyncBlockerRecord = {
    ...blocker,
    status: 'RESOLVED',
    resolvedReason: input.resolvedReason,
    resolvedAt: context.now,
  };
  await context.db('service_sync_blockers').where({ id: blocker.id }).update({
    status: 'RESOLVED',
    resolved_reason: resolved.resolvedReason,
    resolved_at: context.now.getTime(),
  });
  // what the blocker held back is deployed now: the branch's commit is synced again
  const config = await findServiceSyncConfig(context.db, blocker.serviceName);
  if (config) {
    await requestBranchSync(context.db, branchOf(config), true);
    context.afterCommit(() =>
      context.repositorySync.request(branchOf(config), false),
    );
  }
  return {
    serviceName: resolved.serviceName,
    serviceInstanceName: resolved.serviceInstanceName,
    serviceSyncBlocker: describeBlocker(resolved),
  };
}

/**
 * Raises a sync blocker when an operator updates a synced service instance by hand, so that the
 * next commit does not overwrite the change (AWS Proton API reference: ServiceSyncBlockerSummary).
 * Updates made by service sync itself raise none; an instance already blocked gets no second one.
 */
export async function blockManualUpdate(
  context: OperationContext,
  serviceName: string,
  instanceName: string,
): Promise<void> {
  if (context.principal.kind !== 'operator') return;
  const config = await findServiceSyncConfig(context.db, serviceName);
  if (!config) return;
  if (
    (await activeSyncBlockers(context.db, serviceName, instanceName)).some(
      blocker => blocker.serviceInstanceName === instanceName,
    )
  ) {
    return;
  }
  await insertSyncBlocker(context.db, {
    id: randomUUID(),
    serviceName,
    serviceInstanceName: instanceName,
    status: 'ACTIVE',
    type: 'AUTOMATED',
    createdReason: `The service instance ${instanceName} was updated outside of service sync (UpdateServiceInstance)`,
    createdAt: context.now,
    contexts: [
      { key: 'serviceName', value: serviceName },
      { key: 'serviceInstanceName', value: instanceName },
      {
        key: 'repository',
        value: `${config.repositoryProvider}:${config.repositoryName}`,
      },
    ],
  });
}

export const serviceSyncConfigOperations: Record<string, OperationDefinition> =
  {
    CreateServiceSyncConfig: { handler: createConfig },
    GetServiceSyncConfig: { handler: getConfig, readOnly: true },
    UpdateServiceSyncConfig: { handler: updateConfig },
    DeleteServiceSyncConfig: { handler: deleteConfig },
    GetServiceInstanceSyncStatus: {
      handler: getInstanceSyncStatus,
      readOnly: true,
    },
    GetServiceSyncBlockerSummary: {
      handler: getBlockerSummary,
      readOnly: true,
    },
    UpdateServiceSyncBlocker: { handler: resolveBlocker },
  };
