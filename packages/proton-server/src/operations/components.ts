import type { ProtonInputs } from '@proton-platform/plugin-aws-proton-common';
import { parse } from 'yaml';
import {
  conflictError,
  resourceNotFound,
  validationError,
} from '../protocol/errors';
import {
  ComponentRecord,
  findAttachedComponent,
  findComponent,
  insertComponent,
  toComponentRecord,
  updateComponent,
} from '../store/componentStore';
import { DeploymentRecord, forgetResource } from '../store/deploymentStore';
import { EnvironmentRecord, findEnvironment } from '../store/environmentStore';
import {
  findServiceInstance,
  ServiceInstanceRecord,
} from '../store/serviceStore';
import { putTags } from '../store/tagStore';
import { findTemplateVersion } from '../store/templateStore';
import {
  cancelDeployment,
  dispatchDeployment,
  listResourceOutputs,
  recordDeployment,
} from './deploymentRecords';
import type {
  OperationContext,
  OperationDefinition,
  OperationInput,
} from './operationContext';
import { OPEN_DEPLOYMENT_STATUSES } from '../deployments/deploymentCoordinator';
import { fetchPage } from './pagination';
import {
  componentArn,
  environmentArn,
  serviceInstanceArn,
} from './resourceArns';
import { instanceInputs } from './serviceInstanceDeployments';

/**
 * The rendering engine this control plane runs components with: `codebuild`, shell steps in the
 * component's folder (as its template bundles use). AWS Proton ran directly defined components as
 * CloudFormation (`jinja`) or Terraform (`hcl`) through its own provisioning, which this control
 * plane does not do.
 */
export const COMPONENT_RENDERING_ENGINES = ['codebuild'];

/** The file a manifest entry without `file` gets its template file as. */
const DEFAULT_TEMPLATE_FILE = 'component.sh';

const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A component as GetComponent returns it, or as ListComponents summarizes it. */
function describeComponent(
  context: OperationContext,
  record: ComponentRecord,
  summary = false,
): Record<string, unknown> {
  return {
    name: record.name,
    arn: componentArn(context.settings, record.name),
    description: summary ? undefined : record.description,
    environmentName: record.environmentName,
    serviceName: record.serviceName,
    serviceInstanceName: record.serviceInstanceName,
    serviceSpec: summary ? undefined : record.serviceSpec,
    lastClientRequestToken: summary ? undefined : record.lastClientRequestToken,
    createdAt: record.createdAt,
    lastModifiedAt: record.lastModifiedAt,
    lastDeploymentAttemptedAt: record.lastDeploymentAttemptedAt,
    lastDeploymentSucceededAt: record.lastDeploymentSucceededAt,
    deploymentStatus: record.deploymentStatus,
    deploymentStatusMessage: record.deploymentStatusMessage,
    lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
  };
}

/**
 * Reads a component's manifest (`infrastructure.templates`, one entry) and says which files a run of
 * it gets.
 *
 * @returns the files, by path, for the run's `infrastructure/` folder
 * @throws ProtonApiError ValidationException naming what is wrong, among them a rendering engine
 *   this control plane does not run
 */
export function componentFiles(
  manifest: string,
  templateFile: string,
): Record<string, string> {
  let parsed: any;
  try {
    parsed = parse(manifest);
  } catch (error) {
    throw validationError(
      `The component manifest is not YAML: ${
        (error as Error).message.split('\n')[0]
      }`,
    );
  }
  const templates = parsed?.infrastructure?.templates;
  if (!Array.isArray(templates) || templates.length !== 1) {
    throw validationError(
      'The component manifest must list exactly one entry under infrastructure.templates',
    );
  }
  const [entry] = templates;
  const engine = entry?.rendering_engine;
  if (!COMPONENT_RENDERING_ENGINES.includes(engine)) {
    throw validationError(
      `infrastructure.templates[0].rendering_engine is ${JSON.stringify(
        engine ?? null,
      )}; this control plane runs components with rendering_engine ${COMPONENT_RENDERING_ENGINES.join(
        ', ',
      )} (shell steps under settings.provision and settings.deprovision), not jinja (CloudFormation) ` +
        'or hcl (Terraform), which AWS Proton provisioned itself',
    );
  }
  for (const steps of ['provision', 'deprovision']) {
    const list = entry.settings?.[steps];
    if (!Array.isArray(list) || list.some(step => typeof step !== 'string')) {
      throw validationError(
        `infrastructure.templates[0].settings.${steps} must be a list of shell commands`,
      );
    }
  }
  const file = entry.file ?? DEFAULT_TEMPLATE_FILE;
  if (
    typeof file !== 'string' ||
    !SAFE_FILE_NAME.test(file) ||
    file === 'manifest.yaml'
  ) {
    throw validationError(
      `infrastructure.templates[0].file must be a plain file name (letters, digits, ., _ and -), not ${JSON.stringify(
        file,
      )}`,
    );
  }
  return {
    'infrastructure/manifest.yaml': manifest,
    [`infrastructure/${file}`]: templateFile,
  };
}

/** Where a component deploys, by the Proton API's rules for CreateComponent and UpdateComponent. */
interface Placement {
  environment: EnvironmentRecord;
  instance?: ServiceInstanceRecord;
}

/**
 * Checks where a component goes (AWS Proton API reference: CreateComponent): attached to a service
 * instance (`serviceName` and `serviceInstanceName` together) whose template version supports
 * `DIRECTLY_DEFINED` components, or standing alone in `environmentName`; either way in an
 * environment with a `componentRoleArn`.
 */
async function placeComponent(
  context: OperationContext,
  input: {
    serviceName?: string;
    serviceInstanceName?: string;
    environmentName?: string;
    serviceSpec?: string;
  },
): Promise<Placement> {
  const { serviceName, serviceInstanceName } = input;
  if (!!serviceName !== !!serviceInstanceName) {
    throw validationError(
      'serviceName and serviceInstanceName go together: give both to attach the component to a service instance, or neither',
    );
  }
  let instance: ServiceInstanceRecord | undefined;
  let environmentName = input.environmentName;
  if (serviceName && serviceInstanceName) {
    instance = await findServiceInstance(
      context.db,
      serviceName,
      serviceInstanceName,
    );
    if (!instance) {
      throw resourceNotFound(
        `The service instance ${serviceInstanceName} of the service ${serviceName}`,
      );
    }
    if (OPEN_DEPLOYMENT_STATUSES.includes(instance.deploymentStatus)) {
      throw conflictError(
        `The service instance ${serviceInstanceName} of the service ${serviceName} is ${instance.deploymentStatus}; ` +
          'wait for its deployment to end',
      );
    }
    if (environmentName && environmentName !== instance.environmentName) {
      throw validationError(
        `The service instance ${serviceInstanceName} runs in ${instance.environmentName}, not ${environmentName}: ` +
          'an attached component deploys to its instance’s environment',
      );
    }
    environmentName = instance.environmentName;
    const version = await findTemplateVersion(
      context.db,
      'service',
      instance.templateName,
      instance.templateMajor,
      instance.templateMinor,
    );
    if (!version?.supportedComponentSources?.includes('DIRECTLY_DEFINED')) {
      throw validationError(
        `Version ${instance.templateMajor}.${instance.templateMinor} of the service template ${instance.templateName} ` +
          'does not support components: its supportedComponentSources must include DIRECTLY_DEFINED',
      );
    }
  } else if (input.serviceSpec !== undefined) {
    throw validationError(
      'serviceSpec is for a component attached to a service instance; give serviceName and serviceInstanceName too',
    );
  }
  if (!environmentName) {
    throw validationError(
      'A component that is not attached to a service instance needs environmentName',
    );
  }
  const environment = await findEnvironment(context.db, environmentName);
  if (!environment)
    throw resourceNotFound(`The environment ${environmentName}`);
  if (!environment.componentRoleArn) {
    throw validationError(
      `The environment ${environmentName} has no componentRoleArn, so it does not allow directly defined ` +
        'components: set one with UpdateEnvironment',
    );
  }
  return { environment, instance };
}

function componentState(record: ComponentRecord): Record<string, unknown> {
  return {
    component: {
      serviceName: record.serviceName,
      serviceInstanceName: record.serviceInstanceName,
      serviceSpec: record.serviceSpec,
      templateFile: record.templateFile,
    },
  };
}

async function outputsOf(
  context: OperationContext,
  arn: string,
): Promise<Record<string, string>> {
  return Object.fromEntries(
    (await listResourceOutputs(context, arn)).map(o => [o.key, o.valueString]),
  );
}

/**
 * What a component's `proton-inputs.json` holds (AWS Proton user guide: component parameters): the
 * environment with its outputs, and, when attached, the service and the service instance with its
 * inputs (from the component's `serviceSpec`, else the instance's own) and outputs.
 */
async function componentProtonInputs(
  context: OperationContext,
  record: ComponentRecord,
  placement: Placement,
  action: 'provision' | 'deprovision',
): Promise<Record<string, unknown>> {
  const protonInputs: Record<string, unknown> = {
    component: { name: record.name },
    environment: {
      name: placement.environment.name,
      account_id: context.settings.accountId,
      outputs: await outputsOf(
        context,
        environmentArn(context.settings, placement.environment.name),
      ),
    },
  };
  const { instance } = placement;
  if (instance) {
    // the instance's inputs as the component's serviceSpec gives them, else as the instance has them;
    // a deprovisioning goes ahead without them when the instance's version no longer takes that spec
    let inputs: ProtonInputs = {};
    try {
      inputs = await instanceInputs(context, {
        ...instance,
        spec: record.serviceSpec ?? instance.spec,
      });
    } catch (error) {
      if (action === 'provision') throw error;
    }
    protonInputs.service = { name: instance.serviceName };
    protonInputs.service_instance = {
      name: instance.name,
      inputs,
      outputs: await outputsOf(
        context,
        serviceInstanceArn(
          context.settings,
          instance.serviceName,
          instance.name,
        ),
      ),
    };
  }
  return protonInputs;
}

async function deployComponent(
  context: OperationContext,
  record: ComponentRecord,
  placement: Placement,
  action: 'provision' | 'deprovision',
  initial?: ComponentRecord,
): Promise<DeploymentRecord> {
  const deployment = await recordDeployment(context, {
    targetArn: componentArn(context.settings, record.name),
    targetResourceType: 'COMPONENT',
    targetResourceCreatedAt: record.createdAt,
    action,
    environmentName: record.environmentName,
    serviceName: record.serviceName,
    serviceInstanceName: record.serviceInstanceName,
    componentName: record.name,
    templateName: '',
    templateMajor: 0,
    templateMinor: 0,
    initialState: initial ? componentState(initial) : undefined,
    targetState: componentState(record),
    lastSucceededDeploymentId: record.lastSucceededDeploymentId,
  });
  await dispatchDeployment(context, deployment, {
    infrastructureFolder: 'infrastructure',
    protonInputs: await componentProtonInputs(
      context,
      record,
      placement,
      action,
    ),
    componentFiles: componentFiles(record.manifest, record.templateFile),
  });
  await updateComponent(context.db, record.name, {
    lastAttemptedDeploymentId: deployment.id,
  });
  record.lastAttemptedDeploymentId = deployment.id;
  return deployment;
}

async function requireComponent(
  context: OperationContext,
  name: string,
): Promise<ComponentRecord> {
  const record = await findComponent(context.db, name);
  if (!record) throw resourceNotFound(`The component ${name}`);
  return record;
}

function requireSettled(record: ComponentRecord): void {
  if (OPEN_DEPLOYMENT_STATUSES.includes(record.deploymentStatus)) {
    throw conflictError(
      `The component ${record.name} is ${record.deploymentStatus}; wait for its deployment to end or cancel it`,
    );
  }
}

async function requireFreeInstance(
  context: OperationContext,
  placement: Placement,
  except?: string,
): Promise<void> {
  if (!placement.instance) return;
  const attached = await findAttachedComponent(
    context.db,
    placement.instance.serviceName,
    placement.instance.name,
  );
  if (attached && attached.name !== except) {
    throw conflictError(
      `The service instance ${placement.instance.name} of the service ${placement.instance.serviceName} ` +
        `already has the component ${attached.name}; a service instance has at most one`,
    );
  }
}

async function createComponent(
  input: OperationInput,
  context: OperationContext,
) {
  if (await findComponent(context.db, input.name)) {
    throw conflictError(`A component named ${input.name} already exists`);
  }
  componentFiles(input.manifest, input.templateFile);
  const placement = await placeComponent(context, input);
  await requireFreeInstance(context, placement);
  const record: ComponentRecord = {
    name: input.name,
    description: input.description,
    environmentName: placement.environment.name,
    serviceName: placement.instance?.serviceName,
    serviceInstanceName: placement.instance?.name,
    serviceSpec: input.serviceSpec,
    manifest: input.manifest,
    templateFile: input.templateFile,
    lastClientRequestToken: input.clientToken,
    deploymentStatus: 'IN_PROGRESS',
    lastDeploymentAttemptedAt: context.now,
    createdAt: context.now,
    lastModifiedAt: context.now,
  };
  await insertComponent(context.db, record);
  await deployComponent(context, record, placement, 'provision');
  await putTags(
    context.db,
    componentArn(context.settings, record.name),
    input.tags ?? [],
  );
  return { component: describeComponent(context, record) };
}

async function getComponent(input: OperationInput, context: OperationContext) {
  return {
    component: describeComponent(
      context,
      await requireComponent(context, input.name),
    ),
  };
}

async function listComponents(
  input: OperationInput,
  context: OperationContext,
) {
  const query = context.db('components');
  if (input.environmentName) {
    query.where({ environment_name: input.environmentName });
  }
  if (input.serviceName) query.where({ service_name: input.serviceName });
  if (input.serviceInstanceName) {
    query.where({ service_instance_name: input.serviceInstanceName });
  }
  const page = await fetchPage(query, {
    listing: `ListComponents/${JSON.stringify([
      input.environmentName,
      input.serviceName,
      input.serviceInstanceName,
    ])}`,
    keyColumns: ['name'],
    maxResults: input.maxResults,
    nextToken: input.nextToken,
  });
  return {
    components: page.rows.map(row =>
      describeComponent(context, toComponentRecord(row), true),
    ),
    nextToken: page.nextToken,
  };
}

async function updateComponentOperation(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireComponent(context, input.name);
  requireSettled(record);
  // An empty serviceName and serviceInstanceName detach the component (ResourceNameOrEmpty).
  const attachmentGiven =
    input.serviceName !== undefined || input.serviceInstanceName !== undefined;
  const placementInput = attachmentGiven
    ? {
        serviceName: input.serviceName || undefined,
        serviceInstanceName: input.serviceInstanceName || undefined,
        environmentName: record.environmentName,
        serviceSpec: input.serviceSpec,
      }
    : {
        serviceName: record.serviceName,
        serviceInstanceName: record.serviceInstanceName,
        environmentName: record.environmentName,
        serviceSpec: input.serviceSpec ?? record.serviceSpec,
      };
  const placement = await placeComponent(context, placementInput);
  await requireFreeInstance(context, placement, record.name);
  const updated: ComponentRecord = {
    ...record,
    description: input.description ?? record.description,
    serviceName: placement.instance?.serviceName,
    serviceInstanceName: placement.instance?.name,
    serviceSpec: placement.instance ? placementInput.serviceSpec : undefined,
    templateFile: input.templateFile ?? record.templateFile,
    lastClientRequestToken: input.clientToken ?? record.lastClientRequestToken,
    lastModifiedAt: context.now,
  };
  componentFiles(updated.manifest, updated.templateFile);
  if (input.deploymentType === 'NONE') {
    if (
      input.templateFile !== undefined ||
      input.serviceSpec !== undefined ||
      attachmentGiven
    ) {
      throw validationError(
        'deploymentType NONE changes only the description; a new templateFile, serviceSpec or attachment needs CURRENT_VERSION',
      );
    }
    await updateComponent(context.db, record.name, updated);
    return { component: describeComponent(context, updated) };
  }
  Object.assign(updated, {
    deploymentStatus: 'IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
  });
  // recorded first: the one open deployment per target is what refuses a concurrent update
  await deployComponent(context, updated, placement, 'provision', record);
  await updateComponent(context.db, record.name, updated);
  return { component: describeComponent(context, updated) };
}

async function deleteComponent(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireComponent(context, input.name);
  requireSettled(record);
  const arn = componentArn(context.settings, record.name);
  if (!context.deployments.hasRunner) {
    await context.db('components').where({ name: record.name }).delete();
    await forgetResource(context.db, arn);
    return {
      component: describeComponent(context, {
        ...record,
        deploymentStatus: 'DELETE_COMPLETE',
      }),
    };
  }
  const deleting: ComponentRecord = {
    ...record,
    deploymentStatus: 'DELETE_IN_PROGRESS',
    deploymentStatusMessage: undefined,
    lastDeploymentAttemptedAt: context.now,
    lastModifiedAt: context.now,
  };
  const environment = await findEnvironment(context.db, record.environmentName);
  const instance =
    record.serviceName && record.serviceInstanceName
      ? await findServiceInstance(
          context.db,
          record.serviceName,
          record.serviceInstanceName,
        )
      : undefined;
  await deployComponent(
    context,
    deleting,
    { environment: environment!, instance },
    'deprovision',
    record,
  );
  await updateComponent(context.db, record.name, deleting);
  return { component: describeComponent(context, deleting) };
}

async function cancelComponentDeployment(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireComponent(context, input.componentName);
  const status = await cancelDeployment(
    context,
    {
      label: `The component ${record.name}`,
      deploymentStatus: record.deploymentStatus,
      lastAttemptedDeploymentId: record.lastAttemptedDeploymentId,
      customerManaged: false,
    },
    () =>
      updateComponent(context.db, record.name, {
        deploymentStatus: 'CANCELLING',
        lastModifiedAt: context.now,
      }),
  );
  const current =
    status === 'CANCELLING'
      ? { ...record, deploymentStatus: status }
      : await requireComponent(context, record.name);
  return { component: describeComponent(context, current) };
}

async function listComponentOutputs(
  input: OperationInput,
  context: OperationContext,
) {
  const record = await requireComponent(context, input.componentName);
  return {
    outputs: await listResourceOutputs(
      context,
      componentArn(context.settings, record.name),
      input.deploymentId,
    ),
  };
}

async function listComponentProvisionedResources(
  input: OperationInput,
  context: OperationContext,
) {
  await requireComponent(context, input.componentName);
  return { provisionedResources: [] };
}

/**
 * The outputs of the component attached to a service instance, as its `proton-inputs.json` carries
 * them (`service_instance.components.default.outputs`; AWS Proton user guide: component parameters).
 */
export async function attachedComponentOutputs(
  context: OperationContext,
  serviceName: string,
  serviceInstanceName: string,
): Promise<Record<string, string> | undefined> {
  const component = await findAttachedComponent(
    context.db,
    serviceName,
    serviceInstanceName,
  );
  return component
    ? outputsOf(context, componentArn(context.settings, component.name))
    : undefined;
}

/**
 * Refuses to remove a service instance or an environment that components still use, naming them.
 *
 * @throws ProtonApiError ConflictException
 */
export async function requireNoComponents(
  context: OperationContext,
  where: {
    environmentName?: string;
    serviceName?: string;
    serviceInstanceName?: string;
  },
  label: string,
): Promise<void> {
  const query = context.db('components');
  if (where.environmentName)
    query.where({ environment_name: where.environmentName });
  if (where.serviceName) query.where({ service_name: where.serviceName });
  if (where.serviceInstanceName) {
    query.where({ service_instance_name: where.serviceInstanceName });
  }
  const names = (await query.select('name')).map(row => row.name);
  if (names.length > 0) {
    throw conflictError(
      `${label} still has the component${
        names.length === 1 ? '' : 's'
      } ${names.join(', ')}; delete ${
        names.length === 1 ? 'it' : 'them'
      } first`,
    );
  }
}

/** The component operations. */
export const componentOperations: Record<string, OperationDefinition> = {
  CreateComponent: { handler: createComponent },
  GetComponent: { handler: getComponent, readOnly: true },
  ListComponents: { handler: listComponents, readOnly: true },
  UpdateComponent: { handler: updateComponentOperation },
  DeleteComponent: { handler: deleteComponent },
  CancelComponentDeployment: { handler: cancelComponentDeployment },
  ListComponentOutputs: { handler: listComponentOutputs, readOnly: true },
  ListComponentProvisionedResources: {
    handler: listComponentProvisionedResources,
    readOnly: true,
  },
};
