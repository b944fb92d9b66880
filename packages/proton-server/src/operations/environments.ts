import type { ProtonInputs } from '@proton-platform/plugin-aws-proton-common';
import type { DeploymentOutput } from '../deployments/deploymentRunner';
import {
  OPEN_DEPLOYMENT_STATUSES,
  refusedOutputs,
} from '../deployments/deploymentCoordinator';
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
import {
  rememberCreateRequest,
  requireRepeatOfCreate,
} from './idempotentCreates';
import { requireNoComponents } from './components';
import { fetchPage } from './pagination';
import { requireTemplate } from './templates';
import { environmentArn } from './resourceArns';
import { checkEnvironmentSpec, resolveCurrentValuesInSpec } from './specInputs';
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

/**
 * The outputs of an environment of a customer managed template: its inputs, as its spec gives them
 * (with the schema's defaults), strings as they are and other values as JSON. Empty values are left
 * out, as Proton's outputs are 1 to 1,024 characters (AWS Proton user guide: customer managed
 * environments; API reference: Output).
 *
 * @throws ProtonApiError ValidationException naming each input whose value is longer than an output can be
 */
function importedOutputs(inputs: ProtonInputs): DeploymentOutput[] {
  const outputs = Object.entries(inputs)
    .map(([key, value]) => ({
      key,
      valueString: typeof value === 'string' ? value : JSON.stringify(value),
    }))
    .filter(output => output.valueString !== '');
  const tooLong = refusedOutputs(outputs);
  if (tooLong.length > 0) {
    const lengths = tooLong
      .map(o => `spec.${o.key} has ${o.valueString.length}`)
      .join(', ');
    throw validationError(
      `The environment's values become its outputs, which are at most 1,024 characters; ${lengths}`,
    );
  }
  return outputs;
}

/** Whether an environment template describes existing infrastructure (`provisioning: CUSTOMER_MANAGED`). */
async function isCustomerManagedTemplate(
  context: OperationContext,
  templateName: string,
): Promise<boolean> {
  const template = await requireTemplate(context, 'environment', templateName);
  return template.provisioning === 'CUSTOMER_MANAGED';
}

/**
 * Records a deployment of the environment and hands it to the runner after commit; recording it
 * first is what refuses a concurrent deployment (one open deployment per target). An environment of
 * a customer managed template runs nothing (see {@link succeedAtOnce}); one provisioned by the
 * customer (`provisioningRepository`) waits for notifications.
 */
async function deployEnvironment(
  context: OperationContext,
  record: EnvironmentRecord,
  action: 'provision' | 'deprovision',
  inputs: ProtonInputs,
  initial?: EnvironmentRecord,
  customerManagedTemplate = false,
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
  if (!customerManagedTemplate && record.provisioning !== 'CUSTOMER_MANAGED') {
    await dispatchDeployment(context, deployment, {
      infrastructureFolder: 'infrastructure',
      protonInputs: { environment: { name: record.name, inputs } },
    });
  }
  return deployment;
}

/**
 * Ends the deployment of an environment of a customer managed template at once, its values becoming
 * its outputs; called once the environment's row holds the deployment.
 */
async function succeedAtOnce(
  context: OperationContext,
  deploymentId: string,
  inputs: ProtonInputs,
): Promise<void> {
  await context.deployments.finish(
    context.db,
    deploymentId,
    { status: 'SUCCEEDED', outputs: importedOutputs(inputs) },
    context.now,
  );
}

async function createEnvironment(
  input: OperationInput,
  context: OperationContext,
) {
  const arn = environmentArn(context.settings, input.name);
  const existing = await findEnvironment(context.db, input.name);
  if (existing) {
    await requireRepeatOfCreate(
      context,
      'CreateEnvironment',
      arn,
      input,
      `The environment ${input.name}`,
    );
    if (existing.deploymentStatus === 'DELETE_IN_PROGRESS') {
      throw conflictError(
        `The environment ${existing.name} is being deleted; create it again once it is gone`,
      );
    }
    return { environment: describeEnvironment(context, existing) };
  }
  const version = await selectPublishedVersion(
    context,
    'environment',
    input.templateName,
    input.templateMajorVersion,
    input.templateMinorVersion,
  );
  const inputs = checkEnvironmentSpec(version.schema, input.spec);
  const customerManagedTemplate = await isCustomerManagedTemplate(
    context,
    version.templateName,
  );
  if (customerManagedTemplate && input.provisioningRepository) {
    throw validationError(
      `The environment template ${version.templateName} is customer managed: its environments describe ` +
        'infrastructure that exists already and are not provisioned, so provisioningRepository does not apply',
    );
  }
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
    undefined,
    customerManagedTemplate,
  );
  await updateEnvironment(context.db, record.name, {
    lastAttemptedDeploymentId: deployment.id,
  });
  if (customerManagedTemplate) {
    await succeedAtOnce(context, deployment.id, inputs);
  }
  await putTags(context.db, arn, input.tags ?? []);
  await rememberCreateRequest(context, 'CreateEnvironment', arn, input);
  return {
    environment: describeEnvironment(
      context,
      await requireEnvironment(context, record.name),
    ),
  };
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
  // Checked against the version deployed: an upgrade takes the target's schema and defaults.
  const spec: string =
    input.spec === undefined
      ? record.spec ?? 'proton: EnvironmentSpec\nspec: {}\n'
      : await resolveCurrentValuesInSpec(input.spec, async () => ({
          kind: 'EnvironmentSpec',
          inputs: await currentEnvironmentInputs(context, record),
        }));
  const inputs = checkEnvironmentSpec(
    version.schema,
    spec,
    `the environment spec for version ${version.major}.${version.minor} of ${version.templateName}`,
  );
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
  const customerManagedTemplate = await isCustomerManagedTemplate(
    context,
    record.templateName,
  );
  const deployment = await deployEnvironment(
    context,
    updated,
    'provision',
    inputs,
    record,
    customerManagedTemplate,
  );
  await updateEnvironment(context.db, record.name, {
    ...updated,
    lastAttemptedDeploymentId: deployment.id,
  });
  if (customerManagedTemplate) {
    await succeedAtOnce(context, deployment.id, inputs);
  }
  return {
    environment: describeEnvironment(
      context,
      await requireEnvironment(context, record.name),
    ),
  };
}

/** The inputs an environment runs with now: its spec with its version's defaults filled in. */
async function currentEnvironmentInputs(
  context: OperationContext,
  record: EnvironmentRecord,
): Promise<ProtonInputs> {
  const version = await findTemplateVersion(
    context.db,
    'environment',
    record.templateName,
    record.templateMajor,
    record.templateMinor,
  );
  return version?.schema && record.spec
    ? checkEnvironmentSpec(version.schema, record.spec)
    : {};
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
  await requireNoComponents(
    context,
    { environmentName: record.name },
    `The environment ${record.name}`,
  );
  if (
    !context.deployments.hasRunner ||
    record.provisioning === 'CUSTOMER_MANAGED' ||
    (await isCustomerManagedTemplate(context, record.templateName))
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
  const inputs = await currentEnvironmentInputs(context, record);
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
