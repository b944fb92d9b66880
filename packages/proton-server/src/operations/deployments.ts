import {
  InvalidProtonArnError,
  formatProtonArn,
  parseProtonArn,
} from '@proton-platform/plugin-aws-proton-common';
import {
  accessDenied,
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import { OPEN_DEPLOYMENT_STATUSES } from '../deployments/deploymentCoordinator';
import {
  addNotifiedOutputs,
  findDeployment,
  toDeploymentRecord,
} from '../store/deploymentStore';
import { updateEnvironment } from '../store/environmentStore';
import {
  cancelDeployment,
  describeDeployment,
  listResourceOutputs,
} from './deploymentRecords';
import { describeEnvironment, requireEnvironment } from './environments';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { fetchPage } from './pagination';
import { environmentArn } from './resourceArns';

const RESOURCE_FILTERS: Array<[string, string]> = [
  ['environmentName', 'environment_name'],
  ['serviceName', 'service_name'],
  ['serviceInstanceName', 'service_instance_name'],
  ['componentName', 'component_name'],
];

/** An ARN in the form the control plane keeps it (AWS's), or the text itself when it is no Proton ARN. */
function canonicalArn(text: string): string {
  try {
    return formatProtonArn(parseProtonArn(text));
  } catch {
    return text;
  }
}

/**
 * The deployment a deployment's temporary credentials were issued for, when it may still act: the
 * credentials work only for that deployment and only until it ends.
 *
 * @throws ProtonApiError AccessDeniedException otherwise
 */
async function requireOwnOpenDeployment(
  context: OperationContext,
  deploymentId: string,
  resource: { id?: string; resourceArn?: string },
) {
  const own = await findDeployment(context.db, deploymentId);
  const elsewhere =
    (resource.id !== undefined && resource.id !== deploymentId) ||
    (resource.resourceArn !== undefined &&
      own?.targetArn !== canonicalArn(resource.resourceArn));
  if (!own || elsewhere) {
    throw accessDenied(
      `The credentials of deployment ${deploymentId} are valid for that deployment ` +
        `only${own ? ` (of ${own.targetArn})` : ''}`,
    );
  }
  if (!OPEN_DEPLOYMENT_STATUSES.includes(own.deploymentStatus)) {
    throw accessDenied(
      `The credentials of deployment ${deploymentId} expired when it ended (${own.deploymentStatus})`,
    );
  }
  return own;
}

async function getDeployment(input: OperationInput, context: OperationContext) {
  if (context.principal.kind === 'deployment') {
    await requireOwnOpenDeployment(context, context.principal.deploymentId, {
      id: input.id,
    });
  }
  const record = await findDeployment(context.db, input.id);
  const mismatch = RESOURCE_FILTERS.some(
    ([member]) =>
      input[member] !== undefined &&
      record?.[member as keyof typeof record] !== input[member],
  );
  if (!record || mismatch) {
    throw resourceNotFound(`The deployment ${input.id}`);
  }
  return { deployment: describeDeployment(context, record, false) };
}

async function listDeployments(
  input: OperationInput,
  context: OperationContext,
) {
  const query = context.db('deployments');
  for (const [member, column] of RESOURCE_FILTERS) {
    if (input[member] !== undefined) query.where(column, input[member]);
  }
  const page = await fetchPage(query, {
    listing: `ListDeployments/${RESOURCE_FILTERS.map(
      ([m]) => input[m] ?? '',
    ).join('/')}`,
    keyColumns: ['created_at', 'id'],
    descending: true,
    maxResults: input.maxResults,
    nextToken: input.nextToken,
  });
  return {
    deployments: page.rows.map(row =>
      describeDeployment(context, toDeploymentRecord(row), true),
    ),
    nextToken: page.nextToken,
  };
}

/** The deployment a notification is about: the one named, or the resource's last attempted one. */
async function notifiedDeployment(
  input: OperationInput,
  context: OperationContext,
) {
  let arn;
  try {
    arn = parseProtonArn(input.resourceArn);
  } catch (error) {
    if (error instanceof InvalidProtonArnError)
      throw validationError(error.message);
    throw error;
  }
  let lastAttempted: string | undefined;
  let targetArn = formatProtonArn(arn);
  if (arn.resourceType === 'environment') {
    lastAttempted = (
      await context.db('environments').where({ name: arn.name }).first()
    )?.last_attempted_deployment_id;
  } else if (arn.resourceType === 'component') {
    lastAttempted = (
      await context.db('components').where({ name: arn.name }).first()
    )?.last_attempted_deployment_id;
  } else if (arn.resourceType === 'service-pipeline') {
    const pipeline = await context
      .db('service_pipelines')
      .where({ service_name: arn.name })
      .first();
    lastAttempted = pipeline?.last_attempted_deployment_id;
    // AWS's examples name a pipeline with and without its ID: both are that service's pipeline.
    if (pipeline && arn.pipelineId === undefined) {
      targetArn = formatProtonArn({ ...arn, pipelineId: pipeline.pipeline_id });
    }
  } else if (arn.resourceType === 'service-instance') {
    lastAttempted = (
      await context
        .db('service_instances')
        .where({ service_name: arn.name, name: arn.instanceName })
        .first()
    )?.last_attempted_deployment_id;
  } else {
    throw validationError(
      `${input.resourceArn} is not an environment, a service instance, a service pipeline or a component`,
    );
  }
  const id: string | undefined = input.deploymentId ?? lastAttempted;
  const deployment = id ? await findDeployment(context.db, id) : undefined;
  if (!deployment || deployment.targetArn !== targetArn) {
    throw resourceNotFound(
      input.deploymentId
        ? `The deployment ${input.deploymentId} of ${input.resourceArn}`
        : `A deployment of ${input.resourceArn}`,
    );
  }
  return deployment;
}

async function notifyResourceDeploymentStatusChange(
  input: OperationInput,
  context: OperationContext,
) {
  const deployment =
    context.principal.kind === 'deployment'
      ? await requireOwnOpenDeployment(
          context,
          context.principal.deploymentId,
          { id: input.deploymentId, resourceArn: input.resourceArn },
        )
      : await notifiedDeployment(input, context);
  const status = input.status ?? 'IN_PROGRESS';
  if (status === 'IN_PROGRESS') {
    if (deployment.completedAt) {
      throw conflictError(`The deployment ${deployment.id} has already ended`);
    }
    // As with Proton's CodeBuild provisioning: these become the outputs if the deployment succeeds.
    if (input.outputs?.length) {
      await addNotifiedOutputs(context.db, deployment.id, input.outputs);
    }
    return {};
  }
  const applied = await context.deployments.finish(
    context.db,
    deployment.id,
    { status, outputs: input.outputs, statusMessage: input.statusMessage },
    context.now,
  );
  if (!applied) {
    throw conflictError(
      `The deployment ${deployment.id} has already ended (${deployment.deploymentStatus})`,
    );
  }
  return {};
}

async function cancelEnvironmentDeployment(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireEnvironment(context, input.environmentName);
  const status = await cancelDeployment(
    context,
    {
      label: `The environment ${record.name}`,
      deploymentStatus: record.deploymentStatus,
      lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
      customerManaged: record.provisioning === 'CUSTOMER_MANAGED',
    },
    () =>
      updateEnvironment(context.db, record.name, {
        deploymentStatus: 'CANCELLING',
        lastModifiedAt: context.now,
      }),
  );
  return {
    environment: describeEnvironment(
      context,
      status === 'CANCELLING'
        ? { ...record, deploymentStatus: status }
        : await requireEnvironment(context, record.name),
    ),
  };
}

async function listEnvironmentOutputs(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireEnvironment(context, input.environmentName);
  return {
    outputs: await listResourceOutputs(
      context,
      environmentArn(context.settings, record.name),
      input.deploymentId,
    ),
  };
}

async function listEnvironmentProvisionedResources(
  input: OperationInput,
  context: OperationContext,
) {
  await requireEnvironment(context, input.environmentName);
  return { provisionedResources: [] };
}

/** Deployments, notifications, cancellation and the outputs of environments. */
export const deploymentOperations: Record<string, OperationDefinition> = {
  GetDeployment: { handler: getDeployment, readOnly: true },
  ListDeployments: { handler: listDeployments, readOnly: true },
  NotifyResourceDeploymentStatusChange: {
    handler: notifyResourceDeploymentStatusChange,
  },
  CancelEnvironmentDeployment: { handler: cancelEnvironmentDeployment },
  ListEnvironmentOutputs: { handler: listEnvironmentOutputs, readOnly: true },
  ListEnvironmentProvisionedResources: {
    handler: listEnvironmentProvisionedResources,
    readOnly: true,
  },
};
