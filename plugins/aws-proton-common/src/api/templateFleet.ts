/**
 * Something that runs a version of a template, as the template's page lists it: a service instance
 * (service templates) or an environment (environment templates).
 *
 * @public
 */
export interface TemplateFleetMember {
  /** `service-instance`, `pipeline` (a service's pipeline) or `environment`. */
  kind: 'service-instance' | 'pipeline' | 'environment';
  /** The resource's ARN. */
  arn: string;
  /** The service instance's or the environment's name; `pipeline` for a pipeline. */
  name: string;
  /** For a service instance or pipeline, its service's name. */
  serviceName?: string;
  /** The environment it is deployed into (an environment's own name); absent for a pipeline. */
  environmentName?: string;
  /** `major.minor` of the template version it runs, e.g. `1.0`. */
  version: string;
  /** Its deployment status as Proton reports it, e.g. `SUCCEEDED`. */
  deploymentStatus: string;
  /** When its last deployment was attempted (ISO 8601). */
  lastDeploymentAttemptedAt?: string;
  /**
   * The catalog entity of its service (for an environment: of the environment), as an entity
   * reference, when the caller can see one carrying the Proton annotation.
   */
  entityRef?: string;
  /** The catalog entity of the environment it is deployed into, when the caller can see one. */
  environmentEntityRef?: string;
  /** The owner of `entityRef`'s entity (`spec.owner`, an entity reference). */
  owner?: string;
  /** Why fleet upgrades skip it (the `aws.amazon.com/aws-proton-pinned` annotation of its entity). */
  pinnedReason?: string;
}

/**
 * Where a template runs: every service instance or environment on any of its versions.
 *
 * @public
 */
export interface TemplateFleet {
  /** The template's name. */
  name: string;
  /** `service` or `environment`. */
  kind: 'service' | 'environment';
  /** `major.minor` of the recommended version, when one is published. */
  recommendedVersion?: string;
  /** `major.minor` of every published version, oldest first. */
  publishedVersions: string[];
  /** Every member, by service then name. */
  members: TemplateFleetMember[];
  /** True while a member deploys: views keep refreshing. */
  inProgress: boolean;
}
