/**
 * The shapes the `aws-proton` backend returns and the frontend shows. Dates are ISO 8601 strings.
 */

/**
 * One output of a Proton environment or service instance.
 *
 * @public
 */
export interface ProtonOutput {
  key: string;
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
  name: string;
  arn: string;
  environmentName: string;
  deploymentStatus: string;
  deploymentStatusMessage?: string;
  template: TemplateVersionStanding;
  lastDeploymentAttemptedAt?: string;
  lastDeploymentSucceededAt?: string;
  outputs: ProtonOutput[];
}

/**
 * A Proton service with its pipeline and all its instances, as the entity page shows it.
 *
 * @public
 */
export interface ServiceOverview {
  arn: string;
  name: string;
  description?: string;
  status: string;
  statusMessage?: string;
  templateName: string;
  recommendedVersion?: string;
  createdAt?: string;
  lastModifiedAt?: string;
  pipeline?: {
    deploymentStatus: string;
    deploymentStatusMessage?: string;
    templateVersion: string;
  };
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
  serviceName: string;
  name: string;
  deploymentStatus: string;
  templateName: string;
  templateVersion: string;
}

/**
 * A Proton environment, as its entity page shows it.
 *
 * @public
 */
export interface EnvironmentOverview {
  arn: string;
  name: string;
  description?: string;
  deploymentStatus: string;
  deploymentStatusMessage?: string;
  templateName: string;
  template: TemplateVersionStanding;
  lastDeploymentSucceededAt?: string;
  outputs: ProtonOutput[];
  serviceInstances: EnvironmentInstanceView[];
  inProgress: boolean;
}

/**
 * One deployment of an environment or a service instance.
 *
 * @public
 */
export interface DeploymentView {
  id: string;
  targetArn: string;
  status: string;
  createdAt?: string;
  completedAt?: string;
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
