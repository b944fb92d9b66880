/**
 * The shapes the `aws-proton` backend returns and the frontend shows. Dates are ISO 8601 strings.
 */
import type { ProtonInputsPreview } from '../schema/inputsDiff';
import type { ProtonInputs } from '../schema/types';

/**
 * One output of a Proton environment or service instance.
 *
 * @public
 */
export interface ProtonOutput {
  /** The output's name, as the template's infrastructure code declares it. */
  key: string;
  /** The output's value as a string (Proton's `valueString`; empty when Proton gave none). */
  value: string;
}

/**
 * Where a template version stands against the template's recommended version.
 *
 * @public
 */
export interface TemplateVersionStanding {
  /** `major.minor` of the version the resource runs. */
  version: string;
  /** `major.minor` of the template's recommended version, when it has one. */
  recommendedVersion?: string;
  /** The recommended minor version of the resource's own major version, when newer than its version. */
  recommendedMinorVersion?: string;
  /** True when a newer minor version of the same major version is recommended (upgrade with MINOR_VERSION). */
  minorUpgradeAvailable: boolean;
  /** True when the recommended version is of a newer major version (upgrade with MAJOR_VERSION). */
  majorUpgradeAvailable: boolean;
}

/**
 * One service instance as the entity page shows it.
 *
 * @public
 */
export interface ServiceInstanceView {
  /** The service instance's name, unique within its service. */
  name: string;
  /** The service instance's ARN (`...:service/<service>/<instance>`). */
  arn: string;
  /** The name of the environment the instance is deployed into. */
  environmentName: string;
  /** The instance's deployment status, one of {@link PROTON_DEPLOYMENT_STATUSES} as Proton reports it. */
  deploymentStatus: string;
  /** Proton's message about the deployment status, typically why the last deployment failed. */
  deploymentStatusMessage?: string;
  /** The service template version the instance runs, against the recommended ones. */
  template: TemplateVersionStanding;
  /** When the last deployment of the instance was attempted (ISO 8601). */
  lastDeploymentAttemptedAt?: string;
  /** When the last deployment of the instance succeeded (ISO 8601). */
  lastDeploymentSucceededAt?: string;
  /** The instance's outputs over all pages, sorted by key. */
  outputs: ProtonOutput[];
  /** The directly defined components attached to the instance (Proton allows one), by name. */
  components: ComponentView[];
}

/**
 * A directly defined component attached to a service instance: a developer's own infrastructure as code.
 *
 * @public
 */
export interface ComponentView {
  /** The component's name. */
  name: string;
  /** The component's deployment status, one of {@link PROTON_DEPLOYMENT_STATUSES} as Proton reports it. */
  deploymentStatus: string;
  /** Proton's message about the deployment status, typically why the last deployment failed. */
  deploymentStatusMessage?: string;
  /** The component's outputs, sorted by key. */
  outputs: ProtonOutput[];
}

/**
 * A service's CI/CD pipeline, when its template has one.
 *
 * @public
 */
export interface ServicePipelineView {
  /** The pipeline's deployment status, one of {@link PROTON_DEPLOYMENT_STATUSES} as Proton reports it. */
  deploymentStatus: string;
  /** Proton's message about the deployment status, typically why the last deployment failed. */
  deploymentStatusMessage?: string;
  /** `major.minor` of the template version the pipeline runs (the same as `template.version`). */
  templateVersion: string;
  /** The template version the pipeline runs, against the recommended ones. */
  template: TemplateVersionStanding;
  /** When the last deployment of the pipeline succeeded (ISO 8601). */
  lastDeploymentSucceededAt?: string;
  /** The pipeline's outputs, sorted by key. */
  outputs: ProtonOutput[];
}

/**
 * A Proton service with its pipeline and all its instances, as the entity page shows it.
 *
 * @public
 */
export interface ServiceOverview {
  /** The service's ARN (`...:service/<name>`). */
  arn: string;
  /** The service's name. */
  name: string;
  /** The service's description, when it has one. */
  description?: string;
  /** The service's status, one of {@link PROTON_SERVICE_STATUSES} as Proton reports it. */
  status: string;
  /** Proton's message about the service status, typically why a create or update failed. */
  statusMessage?: string;
  /** The name of the service template the service was created from. */
  templateName: string;
  /** `major.minor` of the service template's recommended version, when it has one. */
  recommendedVersion?: string;
  /** When the service was created (ISO 8601). */
  createdAt?: string;
  /** When the service was last modified (ISO 8601). */
  lastModifiedAt?: string;
  /**
   * The service's pipeline, when its template has one: its deployment status, Proton's message about
   * it, the template version it runs against the recommended ones, and its outputs.
   */
  pipeline?: ServicePipelineView;
  /** Every instance of the service over all pages, sorted by name. */
  instances: ServiceInstanceView[];
  /** True while the service or any instance is still changing: views keep refreshing. */
  inProgress: boolean;
}

/**
 * A service instance deployed into an environment.
 *
 * @public
 */
export interface EnvironmentInstanceView {
  /** The name of the service the instance belongs to. */
  serviceName: string;
  /** The service instance's name, unique within its service. */
  name: string;
  /** The instance's deployment status, one of {@link PROTON_DEPLOYMENT_STATUSES} as Proton reports it. */
  deploymentStatus: string;
  /** The name of the service template the instance runs. */
  templateName: string;
  /** `major.minor` of the service template version the instance runs. */
  templateVersion: string;
}

/**
 * A Proton environment, as its entity page shows it.
 *
 * @public
 */
export interface EnvironmentOverview {
  /** The environment's ARN (`...:environment/<name>`). */
  arn: string;
  /** The environment's name. */
  name: string;
  /** The environment's description, when it has one. */
  description?: string;
  /** The environment's deployment status, one of {@link PROTON_DEPLOYMENT_STATUSES} as Proton reports it. */
  deploymentStatus: string;
  /** Proton's message about the deployment status, typically why the last deployment failed. */
  deploymentStatusMessage?: string;
  /** The name of the environment template the environment was created from. */
  templateName: string;
  /** The environment template version the environment runs, against the recommended ones. */
  template: TemplateVersionStanding;
  /**
   * True when the environment template is customer managed (`provisioning: CUSTOMER_MANAGED`): the
   * environment describes infrastructure that exists already, runs no deployment, and its outputs are
   * the values its spec gives.
   */
  customerManaged: boolean;
  /** When the last deployment of the environment succeeded (ISO 8601). */
  lastDeploymentSucceededAt?: string;
  /** The environment's outputs over all pages, sorted by key. */
  outputs: ProtonOutput[];
  /** The service instances deployed into the environment, sorted by `service/instance`. */
  serviceInstances: EnvironmentInstanceView[];
  /** True while the environment's deployment is still changing: views keep refreshing. */
  inProgress: boolean;
}

/**
 * One deployment of an environment or a service instance.
 *
 * @public
 */
export interface DeploymentView {
  /** The deployment's ID, as Proton assigns it. */
  id: string;
  /** The ARN of the environment or service instance the deployment deploys. */
  targetArn: string;
  /** The deployment's status, one of {@link PROTON_DEPLOYMENT_STATUSES} as Proton reports it. */
  status: string;
  /** When the deployment was created (ISO 8601). */
  createdAt?: string;
  /** When the deployment completed (ISO 8601); absent while it is still running. */
  completedAt?: string;
  /** `major.minor` of the template version it deploys; absent where none applies (a component). */
  templateVersion?: string;
  /** What it changed (see {@link DeploymentChange}); absent when Proton did not say. */
  change?: DeploymentChange;
  /**
   * Who or what started it, when this Backstage did (an update from the entity page, a
   * campaign); absent for a deployment started elsewhere (the AWS CLI, a scaffolder task, sync).
   */
  trigger?: DeploymentTrigger;
}

/**
 * What a deployment changed, read from its initial and target states (GetDeployment): `CREATE`
 * (nothing deployed before), `MINOR_VERSION` or `MAJOR_VERSION` (a newer version), `UPDATE` (other
 * inputs, or an older version), `REDEPLOY` (the same version and inputs), `DELETE` (deprovisioned).
 *
 * @public
 */
export type DeploymentChange =
  | 'CREATE'
  | 'UPDATE'
  | 'REDEPLOY'
  | 'MINOR_VERSION'
  | 'MAJOR_VERSION'
  | 'DELETE';

/**
 * Who or what started a deployment: a user from an entity page, a scaffolder task or an action
 * (`name` is the user's entity reference), a backend service calling on its own behalf (`name` is
 * its subject), an upgrade campaign (`name` describes it, such as
 * `upgrade of fargate-service to 1.2`), or Proton's service sync from Git (`name` is the
 * repository, branch and commit, such as `acme/ops@main 0c1f2e3`).
 *
 * @public
 */
export interface DeploymentTrigger {
  /** A user, a backend service, an upgrade campaign, or service sync. */
  kind: 'user' | 'service' | 'campaign' | 'sync';
  /** The user's entity reference, the service's subject, the campaign or the synced revision. */
  name: string;
}

/**
 * The log of one deployment, as the runner wrote it (`GET .../deployments/:id/log`). While the
 * deployment runs, the log so far; read again to follow it.
 *
 * @public
 */
export interface DeploymentLog {
  /** The deployment's ID, as Proton assigns it. */
  deploymentId: string;
  /** The deployment's status when the log was read, one of {@link PROTON_DEPLOYMENT_STATUSES}. */
  status: string;
  /** True while the deployment runs: the log grows, read it again. */
  inProgress: boolean;
  /** The log's text (UTF-8); empty when the runner has written nothing yet. */
  text: string;
  /** True when only the end of a longer log is shown (at most 1 MiB is kept). */
  truncated: boolean;
}

/**
 * How a service instance is redeployed or upgraded: `CURRENT_VERSION` redeploys the version it runs,
 * `MINOR_VERSION` upgrades to the recommended minor version of its major version, `MAJOR_VERSION` to the
 * recommended version of a newer major version.
 *
 * @public
 */
export type InstanceDeploymentType =
  | 'CURRENT_VERSION'
  | 'MINOR_VERSION'
  | 'MAJOR_VERSION';

/**
 * The output the control plane's `simulate` runner adds to every result it computes (value `true`):
 * the outputs come from the template's Pulumi program run against Pulumi's mock runtime, and nothing
 * was created. Views show such results as simulated.
 *
 * @public
 */
export const PROTON_SIMULATED_OUTPUT_KEY = 'protonServerSimulated';

/**
 * True when outputs were computed by the control plane's `simulate` runner.
 *
 * @public
 */
export function isSimulated(outputs: ProtonOutput[]): boolean {
  return outputs.some(
    o => o.key === PROTON_SIMULATED_OUTPUT_KEY && o.value === 'true',
  );
}

/**
 * A service instance's inputs as a developer edits them: the values its spec sets now and the
 * `schema.yaml` of the template version it runs, which the edited values must satisfy.
 *
 * @public
 */
export interface ServiceInstanceInputsView {
  /** The service instance's name. */
  name: string;
  /** The environment it is deployed into. */
  environmentName: string;
  /** Its service template's name. */
  templateName: string;
  /** `major.minor` the instance runs; an edit deploys this version again (`CURRENT_VERSION`). */
  templateVersion: string;
  /** The text of that version's `schema.yaml`. */
  schema: string;
  /** The inputs the instance's spec sets, as the spec holds them (defaults not filled in). */
  inputs: ProtonInputs;
}

/**
 * What an update of one service instance would deploy, worked out without changing anything: the
 * version it runs and the one it would be deployed with, and, for an upgrade, what its inputs become
 * under the target version.
 *
 * @public
 */
export interface InstanceUpdatePlan {
  /** The service instance's name. */
  name: string;
  /** Its service template's name. */
  templateName: string;
  /** The environment it is deployed into. */
  environmentName: string;
  /** `major.minor` the instance runs now. */
  currentVersion: string;
  /** `major.minor` the instance would be deployed with. */
  targetVersion: string;
  /** How it would be deployed. */
  deploymentType: InstanceDeploymentType;
  /**
   * For an upgrade (another version), its inputs under the target version: kept, added with their
   * defaults, dropped; `missing` names required inputs without a default a developer must give.
   */
  inputs?: ProtonInputsPreview;
  /**
   * For an upgrade, what the deployment would do to the instance's resources, as far as the
   * control plane's runner can tell before deploying; absent when it was not asked (no control
   * plane configured: AWS Proton has no preview).
   */
  resources?: ProtonResourcesPreview;
}

/**
 * What a deployment would do to one resource.
 *
 * @public
 */
export interface ProtonResourceChange {
  /**
   * `create` (only the proposed deployment has it), `delete` (only the current one has it),
   * `replace` (its physical name changes, and AWS cannot rename a load balancer, target group, role,
   * log group or ECS service; or it is of a type AWS never changes in place, as an ECS task
   * definition, whose every change is a new revision) or `update` (other inputs change).
   */
  action: 'create' | 'update' | 'replace' | 'delete';
  /** The resource's type token, e.g. `aws:ecs/service:Service`. */
  type: string;
  /** The resource's logical name in the template's program. */
  name: string;
  /** The top-level inputs whose values differ, sorted (update and replace only). */
  changedInputs?: string[];
}

/**
 * The resources a deployment would change, as the control plane's update preview route answers
 * (`POST /previews/update-service-instance`): exactly one of `changes` (with `unchanged`),
 * `unavailable` or `failed`.
 *
 * @public
 */
export interface ProtonResourcesPreview {
  /** The resources that would change: creations first, then replacements, updates and deletions. */
  changes?: ProtonResourceChange[];
  /** How many resources would stay as they are (with `changes`). */
  unchanged?: number;
  /**
   * Why the resources cannot be known before deploying: a runner whose steps deploy (`local`,
   * `codebuild`), or a problem reaching the control plane.
   */
  unavailable?: string;
  /** The failure the deployment would meet (the template program's error), in the runner's words. */
  failed?: string;
}
