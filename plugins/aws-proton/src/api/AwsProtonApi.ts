import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  Campaign,
  CampaignRequest,
  DeploymentLog,
  DeploymentView,
  EnvironmentOverview,
  TemplateFleet,
  TemplateOverview,
  TemplateVersionDiff,
  InstanceDeploymentType,
  InstanceUpdatePlan,
  ServiceInstanceInputsView,
  ServiceOverview,
} from '@proton-platform/plugin-aws-proton-common';

/**
 * What a redeploy or upgrade started.
 *
 * @public
 */
export interface InstanceUpdateResult {
  /** The service instance's name. */
  name: string;
  /** The instance's deployment status right after the update started, usually `IN_PROGRESS`. */
  deploymentStatus: string;
  /** `major.minor` of the template version the instance is being deployed with. */
  targetVersion: string;
}

/**
 * The frontend's access to the `aws-proton` backend. Every call names a catalog entity, never an ARN.
 *
 * @public
 */
export interface AwsProtonApi {
  /**
   * The Proton service that the entity's `aws.amazon.com/aws-proton-service` annotation names, with
   * its pipeline and every instance.
   */
  getServiceOverview(entity: CompoundEntityRef): Promise<ServiceOverview>;
  /**
   * The Proton environment that the entity's `aws.amazon.com/aws-proton-environment` annotation
   * names, with its outputs and the service instances deployed into it.
   */
  getEnvironmentOverview(
    entity: CompoundEntityRef,
  ): Promise<EnvironmentOverview>;
  /**
   * The entity's service template or environment template: its versions (newest first, with where
   * template sync took each from) and its last syncs.
   */
  getTemplateOverview(entity: CompoundEntityRef): Promise<TemplateOverview>;
  /**
   * Where the entity's service template or environment template runs: every service instance or
   * environment by the version it runs, with the catalog entities of its service and environment,
   * their owners and pins.
   */
  getTemplateFleet(entity: CompoundEntityRef): Promise<TemplateFleet>;
  /** The upgrade campaigns of the entity's template (service or environment), newest first. */
  listCampaigns(entity: CompoundEntityRef): Promise<Campaign[]>;
  /**
   * Starts an upgrade campaign over the entity's template's fleet, or with `dryRun` only
   * plans it. Needs `aws-proton.template.upgrade-fleet` on the entity.
   */
  startCampaign(
    entity: CompoundEntityRef,
    request: CampaignRequest,
  ): Promise<Campaign>;
  /** Pauses, resumes or cancels a campaign. Needs `aws-proton.template.upgrade-fleet`. */
  actOnCampaign(
    entity: CompoundEntityRef,
    id: string,
    action: 'pause' | 'resume' | 'cancel',
  ): Promise<Campaign>;
  /** How two versions (`major.minor`) of the entity's template differ in their inputs. */
  getTemplateVersionDiff(
    entity: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<TemplateVersionDiff>;
  /** The newest deployments (at most 50, newest first) of one instance of the entity's service. */
  listServiceInstanceDeployments(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<DeploymentView[]>;
  /** The newest deployments (at most 50, newest first) of the pipeline of the entity's service. */
  listServicePipelineDeployments(
    entity: CompoundEntityRef,
  ): Promise<DeploymentView[]>;
  /** The newest deployments (at most 50, newest first) of the entity's environment. */
  listEnvironmentDeployments(
    entity: CompoundEntityRef,
  ): Promise<DeploymentView[]>;
  /**
   * The log of one deployment of the entity's service (an instance or its pipeline) or
   * environment; while the deployment runs, the log so far (read again to follow it).
   */
  getDeploymentLog(
    entity: CompoundEntityRef,
    deploymentId: string,
  ): Promise<DeploymentLog>;
  /**
   * Redeploys one instance of the entity's service with its current spec (`CURRENT_VERSION`), or
   * upgrades it to the recommended minor or major template version, keeping its spec. Needs the
   * `aws-proton.service-instance.update` permission on the entity.
   */
  updateServiceInstance(
    entity: CompoundEntityRef,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
  ): Promise<InstanceUpdateResult>;
  /**
   * What {@link AwsProtonApi.updateServiceInstance} would deploy, without changing anything: the
   * target version and, for an upgrade, what the instance's inputs become under it and what the
   * deployment would do to its resources. `targetVersion` (`major.minor`, a campaign's) replaces
   * the recommended version.
   */
  planServiceInstanceUpdate(
    entity: CompoundEntityRef,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
    targetVersion?: string,
  ): Promise<InstanceUpdatePlan>;
  /**
   * One instance's inputs as its spec sets them, with the `schema.yaml` of the template version it
   * runs. Needs the `aws-proton.service-instance.update` permission on the entity.
   */
  getServiceInstanceInputs(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<ServiceInstanceInputsView>;
  /**
   * Deploys one instance again, on the version it runs, with new inputs (`inputs`: input names to
   * values, checked against that version's schema by the backend first). Needs the
   * `aws-proton.service-instance.update` permission on the entity.
   *
   * @throws ResponseError naming every input that is wrong, or when the instance is being deployed
   */
  updateServiceInstanceInputs(
    entity: CompoundEntityRef,
    instanceName: string,
    inputs: Record<string, unknown>,
  ): Promise<InstanceUpdateResult>;
  /**
   * Adds an instance to the entity's service, on `templateVersion` or else its template's
   * recommended version: `name` (a Proton name), `environment` (an environment that version deploys
   * into) and `inputs`, checked by the backend first. Needs the `aws-proton.service-instance.update` permission on the entity.
   *
   * @throws ResponseError naming what is wrong, or when the name is taken
   */
  addServiceInstance(
    entity: CompoundEntityRef,
    instance: {
      name: string;
      environment: string;
      inputs: Record<string, unknown>;
      /** `major.minor` to create it with (published); the recommended version when absent. */
      templateVersion?: string;
    },
  ): Promise<InstanceUpdateResult>;
  /**
   * Removes one instance of the entity's service (its resources are deprovisioned); not its last
   * one. Needs the `aws-proton.service-instance.update` permission on the entity.
   */
  deleteServiceInstance(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<void>;
  /**
   * Deletes the entity's service with its instances and pipeline (their resources are
   * deprovisioned); the catalog entity goes with it. Needs the
   * `aws-proton.service-instance.update` permission on the entity.
   */
  deleteService(entity: CompoundEntityRef): Promise<void>;
}

/**
 * The API reference of {@link AwsProtonApi}.
 *
 * @public
 */
export const awsProtonApiRef = createApiRef<AwsProtonApi>().with({
  id: 'plugin.aws-proton.api',
  pluginId: 'aws-proton',
});
