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
  /** `major.minor` of the template version the instance runs. */
  templateVersion: string;
  /** True when the template's recommended version is newer than the instance's. */
  upgradeAvailable: boolean;
  lastDeploymentSucceededAt?: string;
}

/**
 * A Proton service with all its instances, as the entity page shows it.
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
  /** `major.minor` of the template's recommended version, when it has one. */
  recommendedVersion?: string;
  createdAt?: string;
  lastModifiedAt?: string;
  instances: ServiceInstanceView[];
}
