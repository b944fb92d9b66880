import { OPEN_DEPLOYMENT_STATUSES } from '../deployments/deploymentCoordinator';
import {
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import { forgetResource } from '../store/deploymentStore';
import {
  EnvironmentRecord,
  findEnvironment,
  insertEnvironment,
  toEnvironmentRecord,
  updateEnvironment,
} from '../store/environmentStore';
import { putTags } from '../store/tagStore';
import { findTemplateVersion } from '../store/templateStore';
import { dispatchDeployment, recordDeployment } from './deploymentRecords';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { fetchPage } from './pagination';
import { environmentArn } from './resourceArns';
import { checkEnvironmentSpec } from './specInputs';
import {
  selectPublishedVersion,
  selectUpdateVersion,
} from './templateVersionSelection';

/** An environment as GetEnvironment returns it, or as ListEnvironments summarizes it. */
export function describeEnvironment(
  context: OperationContext,
  record: EnvironmentRecord,
  summary = false,
): Record<string, unknown> {
  return {
    name: record.name,
    arn: environmentArn(context.settings, record.name),
    description: record.description,
    createdAt: record.createdAt,
    lastDeploymentAttemptedAt: record.lastDeploymentAttemptedAt,
    lastDeploymentSucceededAt: record.lastDeploymentSucceededAt,
    templateName: record.templateName,
    templateMajorVersion: String(record.templateMajor),
    templateMinorVersion: String(record.templateMinor),
    deploymentStatus: record.deploymentStatus,
    deploymentStatusMessage: record.deploymentStatusMessage,
    protonServiceRoleArn: record.protonServiceRoleArn,
    environmentAccountConnectionId: record.environmentAccountConnectionId,
    environmentAccountId: record.environmentAccountId,
    spec: summary ? undefined : record.spec,
    provisioning: record.provisioning,
    provisioningRepository: summary ? undefined : record.provisioningRepository,
    componentRoleArn: record.componentRoleArn,
    codebuildRoleArn: summary ? undefined : record.codebuildRoleArn,
    lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
  };
}

/** Reads an environment or fails with ResourceNotFoundException. */
export async function requireEnvironment(
  context: OperationContext,
  name: string,
): Promise<EnvironmentRecord> {
  const record = await findEnvironment(context.db, name);
  if (!record) throw resourceNotFound(`The environment ${name}`);
  return record;
}

function environmentState(record: EnvironmentRecord): Record<string, unknown> {
  return {
    environment: {
      spec: record.spec,
      templateName: record.templateName,
      templateMajorVersion: String(record.templateMajor),
      templateMinorVersion: String(record.templateMinor),
    },
  };
}

/** Records a deployment of the environment and hands it to the runner after commit. */
async function deployEnvironment(
  context: OperationContext,
  record: EnvironmentRecord,
  action: 'provision' | 'deprovision',
  inputs: Record<string, unknown>,
  initial?: EnvironmentRecord,
) {
  const deployment = await recordDeployment(context, {
    targetArn: environmentArn(context.settings, record.name),
    targetResourceType: 'ENVIRONMENT',
    targetResourceCreatedAt: record.createdAt,
    action,
    environmentName: record.name,
    templateName: record.templateName,
    templateMajor: record.templateMajor,
    templateMinor: record.templateMinor,
    initialState: initial ? environmentState(initial) : undefined,
    targetState: environmentState(record),
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
  });
  if (record.provisioning !== 'CUSTOMER_MANAGED') {
    await dispatchDeployment(context, deployment, {
      infrastructureFolder: 'infrastructure',
      protonInputs: { environment: { name: record.name, inputs } },
    });
  }
  return deployment;
}

async function createEnvironment(
  input: OperationInput,
  context: OperationContext,
) {
  if (await findEnvironment(context.db, input.name)) {
    throw conflictError(`An environment named ${input.name} already exists`);
  }
  const version = await selectPublishedVersion(
    context,
    'environment',
    input.templateName,
    input.templateMajorVersion,
    input.templateMinorVersion,
  );
  const inputs = checkEnvironmentSpec(version.schema, input.spec);
  const record: EnvironmentRecord = {
    name: input.name,
    templateName: version.templateName,
    templateMajor: version.major,
    templateMinor: version.minor,
    spec: input.spec,
    description: input.description,
    protonServiceRoleArn: input.protonServiceRoleArn,
    codebuildRoleArn: input.codebuildRoleArn,
    componentRoleArn: input.componentRoleArn,
    environmentAccountConnectionId: input.environmentAccountConnectionId,
    provisioning: input.provisioningRepository ? 'CUSTOMER_MANAGED' : undefined,
    provisioningRepository: input.provisioningRepository,
    deploymentStatus: 'IN_PROGRESS',
    lastDeploymentAttemptedAt: context.now,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  await insertEnvironment(context.db, record);
  const deployment = await deployEnvironment(
    context,
    record,
    'provision',
    inputs,
  );
  record.lastAttemptedDeploymentId = deployment.id;
  await updateEnvironment(context.db, record.name, {
    lastAttemptedDeploymentId: deployment.id,
  });
  await putTags(
    context.db,
    environmentArn(context.settings, record.name),
    input.tags ?? [],
  );
  return { environment: describeEnvironment(context, record) };
}

async function getEnvironment(
  input: OperationInput,
  context: OperationContext,
) {
  return {
    environment: describeEnvironment(
      context,
      await requireEnvironment(context, input.name),
    ),
  };
}

async function listEnvironments(
  input: OperationInput,
  context: OperationContext,
) {
  const query = context.db('environments');
  const filters: Array<{ templateName: string; majorVersion: string }> =
    input.environmentTemplates ?? [];
  if (filters.length > 0) {
    query.where(outer => {
      for (const filter of filters) {
        outer.orWhere({
          template_name: filter.templateName,
          template_major: Number(filter.majorVersion),
        });
      }
    });
  }
  const page = await fetchPage(query, {
    listing: `ListEnvironments/${JSON.stringify(filters)}`,
    keyColumns: ['name'],
    maxResults: input.maxResults,
    nextToken: input.nextToken,
  });
  return {
    environments: page.rows.map(row =>
      describeEnvironment(context, toEnvironmentRecord(row), true),
    ),
    nextToken: page.nextToken,
  };
}

function requireNoOpenDeployment(record: EnvironmentRecord): void {
  if (OPEN_DEPLOYMENT_STATUSES.includes(record.deploymentStatus)) {
    throw conflictError(
      `The environment ${record.name} is ${record.deploymentStatus}; wait for its deployment to end or cancel it`,
    );
  }
}

async function updateEnvironmentOperation(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireEnvironment(context, input.name);
  requireNoOpenDeployment(record);
  const metadata: Partial<EnvironmentRecord> = {
    description: input.description ?? record.description,
    protonServiceRoleArn:
      input.protonServiceRoleArn ?? record.protonServiceRoleArn,
    codebuildRoleArn: input.codebuildRoleArn ?? record.codebuildRoleArn,
    componentRoleArn: input.componentRoleArn ?? record.componentRoleArn,
    lastModifiedAt: context.now,
  };
  if (input.deploymentType === 'NONE') {
    if (
      input.spec !== undefined ||
      input.templateMajorVersion ||
      input.templateMinorVersion
    ) {
      throw validationError(
        'deploymentType NONE changes metadata only; spec and template versions need a deployment',
      );
    }
    await updateEnvironment(context.db, record.name, metadata);
    return {
      environment: describeEnvironment(context, { ...record, ...metadata }),
    };
  }
  const version = await selectUpdateVersion(
    context,
    'environment',
    record,
    input as { deploymentType: string },
  );
  const spec: string =
    input.spec ?? record.spec ?? 'proton: EnvironmentSpec\nspec: {}\n';
  const inputs = checkEnvironmentSpec(version.schema, spec);
  const updated: EnvironmentRecord = {
    ...record,
    ...metadata,
    templateMajor: version.major,
    templateMinor: version.minor,
    spec,
    deploymentStatus: 'IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
  };
  const deployment = await deployEnvironment(
    context,
    updated,
    'provision',
    inputs,
    record,
  );
  updated.lastAttemptedDeploymentId = deployment.id;
  await updateEnvironment(context.db, record.name, updated);
  return { environment: describeEnvironment(context, updated) };
}

async function deleteEnvironment(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireEnvironment(context, input.name);
  requireNoOpenDeployment(record);
  const instances = await context
    .db('service_instances')
    .where({ environment_name: record.name })
    .first();
  if (instances) {
    throw conflictError(
      `The environment ${record.name} still has service instances; delete them first`,
    );
  }
  if (
    !context.deployments.hasRunner ||
    record.provisioning === 'CUSTOMER_MANAGED'
  ) {
    await context.db('environments').where({ name: record.name }).delete();
    await forgetResource(
      context.db,
      environmentArn(context.settings, record.name),
    );
    return {
      environment: describeEnvironment(context, {
        ...record,
        deploymentStatus: 'DELETE_COMPLETE',
      }),
    };
  }
  const deleting: EnvironmentRecord = {
    ...record,
    deploymentStatus: 'DELETE_IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
    lastModifiedAt: context.now,
  };
  const version = await findTemplateVersion(
    context.db,
    'environment',
    record.templateName,
    record.templateMajor,
    record.templateMinor,
  );
  const inputs =
    version?.schema && record.spec
      ? checkEnvironmentSpec(version.schema, record.spec)
      : {};
  const deployment = await deployEnvironment(
    context,
    deleting,
    'deprovision',
    inputs,
    record,
  );
  deleting.lastAttemptedDeploymentId = deployment.id;
  await updateEnvironment(context.db, record.name, deleting);
  return { environment: describeEnvironment(context, deleting) };
}

/** Create/Get/List/Update/Delete Environment. */
export const environmentOperations: Record<string, OperationDefinition> = {
  CreateEnvironment: { handler: createEnvironment },
  GetEnvironment: { handler: getEnvironment, readOnly: true },
  ListEnvironments: { handler: listEnvironments, readOnly: true },
  UpdateEnvironment: { handler: updateEnvironmentOperation },
  DeleteEnvironment: { handler: deleteEnvironment },
};
