import { TemplateFilesUnavailableError } from '../bundles/templateFiles';
import {
  ResourcePlansBusyError,
  RunnerStoppingError,
} from '../deployments/localRunner';
import { DeploymentSetupError } from '../deployments/provisioningManifest';
import {
  compareResources,
  PlannedResource,
  ResourcePreview,
} from '../deployments/resourceChanges';
import { ProtonApiError, validationError } from '../protocol/errors';
import { findDeployment } from '../store/deploymentStore';
import type { ServiceInstanceRecord } from '../store/serviceStore';
import type { OperationContext, OperationInput } from './operationContext';
import { serviceInstanceArn } from './resourceArns';
import {
  instanceInputs,
  serviceInstanceProtonInputs,
} from './serviceInstanceDeployments';
import {
  requireUpdatableInstance,
  resolveServiceInstanceUpdate,
} from './serviceInstances';

/**
 * What the control plane's preview route answers for an UpdateServiceInstance: exactly one of
 * `resources` (the runner planned both deployments), `unavailable` (it cannot plan before it
 * deploys) or `failed` (a program failed while planning: the deployment would fail the same way).
 *
 * @public
 */
export interface ServiceInstanceUpdatePreview {
  /** The version the update deploys, `major.minor`. */
  targetVersion: string;
  /** What the update would do to the instance's resources. */
  resources?: ResourcePreview;
  /** Why the resources cannot be known before deploying. */
  unavailable?: string;
  /** The failure of the planned deployment, in the runner's words. */
  failed?: string;
}

/**
 * Previews an UpdateServiceInstance without changing anything: checks the request as the operation
 * does (the same errors), then has the runner plan the instance's current deployment (its version
 * and inputs) and the proposed one, and compares their resources.
 *
 * @param input - an UpdateServiceInstance input (deploymentType other than NONE)
 * @throws ProtonApiError as UpdateServiceInstance would answer the same input
 */
export async function previewServiceInstanceUpdate(
  input: OperationInput,
  context: OperationContext,
): Promise<ServiceInstanceUpdatePreview> {
  if (input.deploymentType === 'NONE') {
    await requireUpdatableInstance(context, input);
    throw validationError(
      'deploymentType NONE deploys nothing, so there is nothing to preview',
    );
  }
  const update = await resolveServiceInstanceUpdate(input, context);
  const { service, record, version } = update;
  const targetVersion = `${version.major}.${version.minor}`;
  const arn = serviceInstanceArn(context.settings, service.name, record.name);
  const plan = (
    major: number,
    minor: number,
    inputs: Record<string, unknown>,
  ): Promise<PlannedResource[] | undefined> =>
    serviceInstanceProtonInputs(context, service, record, inputs).then(
      protonInputs =>
        context.deployments.planResources(
          {
            kind: 'service',
            templateName: record.templateName,
            major,
            minor,
          },
          {
            resourceArn: arn,
            targetResourceType: 'SERVICE_INSTANCE',
            infrastructureFolder: 'instance_infrastructure',
            protonInputs,
            region: context.settings.region,
            accountId: context.settings.accountId,
          },
        ),
    );
  let proposed: PlannedResource[] | undefined;
  try {
    proposed = await plan(version.major, version.minor, update.inputs);
  } catch (error) {
    // a stopping control plane knows nothing about the deployment: not a failure of it
    if (error instanceof RunnerStoppingError) {
      return { targetVersion, unavailable: error.message };
    }
    const failure = planFailure(error, targetVersion);
    return {
      targetVersion,
      failed: failure.charAt(0).toUpperCase() + failure.slice(1),
    };
  }
  if (proposed === undefined) {
    return {
      targetVersion,
      unavailable:
        "This control plane's runner cannot tell the resources before it deploys: its steps deploy (the simulate runner plans ahead)",
    };
  }
  // what the instance runs: its last successful deployment's version and spec (none: nothing)
  const deployed = await deployedState(context, record);
  let current: PlannedResource[] = [];
  if (deployed) {
    try {
      current =
        (await plan(
          deployed.templateMajor,
          deployed.templateMinor,
          await instanceInputs(context, deployed),
        )) ?? [];
    } catch (error) {
      if (error instanceof RunnerStoppingError) {
        return { targetVersion, unavailable: error.message };
      }
      const running = `${deployed.templateMajor}.${deployed.templateMinor}`;
      return {
        targetVersion,
        unavailable: `The resources the instance runs now (version ${running}) cannot be computed: ${planFailure(
          error,
          running,
        )}`,
      };
    }
  }
  return { targetVersion, resources: compareResources(current, proposed) };
}

/**
 * The instance as its last successful deployment left it: itself when that is its last deployment,
 * else that deployment's target state; undefined when none succeeded (nothing is deployed).
 */
async function deployedState(
  context: OperationContext,
  record: ServiceInstanceRecord,
): Promise<ServiceInstanceRecord | undefined> {
  if (record.deploymentStatus === 'SUCCEEDED') return record;
  if (!record.lastSucceededDeploymentId) return undefined;
  const deployment = await findDeployment(
    context.db,
    record.lastSucceededDeploymentId,
  );
  const state = deployment?.targetState.serviceInstance as
    | Record<string, string | undefined>
    | undefined;
  if (!state?.templateMajorVersion) return undefined;
  return {
    ...record,
    spec: state.spec,
    templateMajor: Number(state.templateMajorVersion),
    templateMinor: Number(state.templateMinorVersion),
  };
}

/**
 * A plan's failure in words; a busy runner is a ThrottlingException, and anything but a setup or
 * files error is the control plane's own.
 */
function planFailure(error: unknown, version: string): string {
  if (error instanceof ResourcePlansBusyError) {
    throw new ProtonApiError('ThrottlingException', error.message);
  }
  if (
    error instanceof DeploymentSetupError ||
    error instanceof TemplateFilesUnavailableError
  ) {
    return `the deployment of version ${version} fails: ${error.message}`;
  }
  throw error;
}
