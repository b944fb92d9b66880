import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { AwsProtonApi, InstanceUpdateResult } from './AwsProtonApi';

/**
 * The {@link AwsProtonApi} over HTTP, against the `aws-proton` backend plugin.
 *
 * @public
 */
export class AwsProtonClient implements AwsProtonApi {
  /** Creates a client that finds the `aws-proton` backend with `discoveryApi` and calls it with `fetchApi`. */
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  /**
   * `GET .../v1/entities/<kind>/<namespace>/<name>/service`: see {@link AwsProtonApi.getServiceOverview}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no Proton annotation, or the Proton call failed
   */
  getServiceOverview(entity: CompoundEntityRef): Promise<ServiceOverview> {
    return this.request(`${this.entityPath(entity)}/service`);
  }

  /**
   * `GET .../v1/entities/<kind>/<namespace>/<name>/environment`: see
   * {@link AwsProtonApi.getEnvironmentOverview}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no Proton annotation, or the Proton call failed
   */
  getEnvironmentOverview(
    entity: CompoundEntityRef,
  ): Promise<EnvironmentOverview> {
    return this.request(`${this.entityPath(entity)}/environment`);
  }

  /**
   * `GET .../template`: see {@link AwsProtonApi.getTemplateOverview}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no template annotation, or the Proton call failed
   */
  getTemplateOverview(entity: CompoundEntityRef): Promise<TemplateOverview> {
    return this.request(`${this.entityPath(entity)}/template`);
  }

  /**
   * `GET .../template/fleet`: see {@link AwsProtonApi.getTemplateFleet}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no template annotation, or the Proton call failed
   */
  getTemplateFleet(entity: CompoundEntityRef): Promise<TemplateFleet> {
    return this.request(`${this.entityPath(entity)}/template/fleet`);
  }

  /** `GET .../template/campaigns`: see {@link AwsProtonApi.listCampaigns}. */
  listCampaigns(entity: CompoundEntityRef): Promise<Campaign[]> {
    return this.request(`${this.entityPath(entity)}/template/campaigns`);
  }

  /**
   * `POST .../template/campaigns`: see {@link AwsProtonApi.startCampaign}.
   *
   * @throws ResponseError with the backend's message, for example without the permission (403) or
   *   while another campaign of the template is active (409)
   */
  startCampaign(
    entity: CompoundEntityRef,
    request: CampaignRequest,
  ): Promise<Campaign> {
    return this.request(`${this.entityPath(entity)}/template/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  /**
   * `POST .../template/campaigns/<id>/<action>`: see {@link AwsProtonApi.actOnCampaign}.
   *
   * @throws ResponseError with the backend's message, for example when the campaign cannot take
   *   the action in its state (409)
   */
  actOnCampaign(
    entity: CompoundEntityRef,
    id: string,
    action: 'pause' | 'resume' | 'cancel',
  ): Promise<Campaign> {
    return this.request(
      `${this.entityPath(entity)}/template/campaigns/${encodeURIComponent(
        id,
      )}/${action}`,
      { method: 'POST' },
    );
  }

  /**
   * `GET .../template/diff?from=&to=`: see {@link AwsProtonApi.getTemplateVersionDiff}.
   *
   * @throws ResponseError with the backend's message, for example when a version does not exist
   */
  getTemplateVersionDiff(
    entity: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<TemplateVersionDiff> {
    return this.request(
      `${this.entityPath(entity)}/template/diff?from=${encodeURIComponent(
        from,
      )}&to=${encodeURIComponent(to)}`,
    );
  }

  /**
   * `GET .../service/instances/<instance>/deployments`: see
   * {@link AwsProtonApi.listServiceInstanceDeployments}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no Proton annotation, or the Proton call failed
   */
  listServiceInstanceDeployments(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<DeploymentView[]> {
    return this.request(
      `${this.entityPath(entity)}/service/instances/${encodeURIComponent(
        instanceName,
      )}/deployments`,
    );
  }

  /**
   * `GET .../service/pipeline/deployments`: see {@link AwsProtonApi.listServicePipelineDeployments}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no Proton annotation, or the Proton call failed
   */
  listServicePipelineDeployments(
    entity: CompoundEntityRef,
  ): Promise<DeploymentView[]> {
    return this.request(
      `${this.entityPath(entity)}/service/pipeline/deployments`,
    );
  }

  /**
   * `GET .../environment/deployments`: see {@link AwsProtonApi.listEnvironmentDeployments}.
   *
   * @throws ResponseError with the backend's message, for example when the entity is not in the
   *   catalog or has no Proton annotation, or the Proton call failed
   */
  listEnvironmentDeployments(
    entity: CompoundEntityRef,
  ): Promise<DeploymentView[]> {
    return this.request(`${this.entityPath(entity)}/environment/deployments`);
  }

  /**
   * `GET .../deployments/<id>/log`: see {@link AwsProtonApi.getDeploymentLog}.
   *
   * @throws ResponseError with the backend's message, for example when the deployment is not one
   *   of the entity's, or Proton keeps no logs (AWS Proton itself)
   */
  getDeploymentLog(
    entity: CompoundEntityRef,
    deploymentId: string,
  ): Promise<DeploymentLog> {
    return this.request(
      `${this.entityPath(entity)}/deployments/${encodeURIComponent(
        deploymentId,
      )}/log`,
    );
  }

  /**
   * `GET .../service/instances/<instance>/plan?deploymentType=`: see
   * {@link AwsProtonApi.planServiceInstanceUpdate}.
   *
   * @throws ResponseError with the backend's message, for example when the instance is being
   *   deployed or there is no newer version to upgrade to
   */
  planServiceInstanceUpdate(
    entity: CompoundEntityRef,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
    targetVersion?: string,
  ): Promise<InstanceUpdatePlan> {
    const query = new URLSearchParams({ deploymentType });
    if (targetVersion) query.set('targetVersion', targetVersion);
    return this.request(
      `${this.entityPath(entity)}/service/instances/${encodeURIComponent(
        instanceName,
      )}/plan?${query}`,
    );
  }

  /**
   * `POST .../service/instances/<instance>/deployments` with `{ deploymentType }`: see
   * {@link AwsProtonApi.updateServiceInstance}.
   *
   * @throws ResponseError with the backend's message, for example when the permission policy denies
   *   the update, the instance is being deployed, or there is no newer version to upgrade to
   */
  updateServiceInstance(
    entity: CompoundEntityRef,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
  ): Promise<InstanceUpdateResult> {
    return this.request(
      `${this.entityPath(entity)}/service/instances/${encodeURIComponent(
        instanceName,
      )}/deployments`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deploymentType }),
      },
    );
  }

  /**
   * `GET .../service/instances/<instance>/inputs`: see {@link AwsProtonApi.getServiceInstanceInputs}.
   *
   * @throws ResponseError with the backend's message, for example when the permission policy denies it
   */
  getServiceInstanceInputs(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<ServiceInstanceInputsView> {
    return this.request(
      `${this.entityPath(entity)}/service/instances/${encodeURIComponent(
        instanceName,
      )}/inputs`,
    );
  }

  /**
   * `PUT .../service/instances/<instance>/inputs` with `{ inputs }`: see
   * {@link AwsProtonApi.updateServiceInstanceInputs}.
   *
   * @throws ResponseError with the backend's message, naming every input that is wrong
   */
  updateServiceInstanceInputs(
    entity: CompoundEntityRef,
    instanceName: string,
    inputs: Record<string, unknown>,
  ): Promise<InstanceUpdateResult> {
    return this.request(
      `${this.entityPath(entity)}/service/instances/${encodeURIComponent(
        instanceName,
      )}/inputs`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs }),
      },
    );
  }

  /**
   * `POST .../service/instances` with `{ name, environment, inputs }`: see
   * {@link AwsProtonApi.addServiceInstance}.
   *
   * @throws ResponseError with the backend's message
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
  ): Promise<InstanceUpdateResult> {
    return this.request(`${this.entityPath(entity)}/service/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(instance),
    });
  }

  /**
   * `DELETE .../service/instances/<instance>`: see {@link AwsProtonApi.deleteServiceInstance}.
   *
   * @throws ResponseError with the backend's message
   */
  async deleteServiceInstance(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<void> {
    await this.request(
      `${this.entityPath(entity)}/service/instances/${encodeURIComponent(
        instanceName,
      )}`,
      { method: 'DELETE' },
    );
  }

  /**
   * `DELETE .../service`: see {@link AwsProtonApi.deleteService}.
   *
   * @throws ResponseError with the backend's message
   */
  async deleteService(entity: CompoundEntityRef): Promise<void> {
    await this.request(`${this.entityPath(entity)}/service`, {
      method: 'DELETE',
    });
  }

  private entityPath({ kind, namespace, name }: CompoundEntityRef): string {
    return `/v1/entities/${[kind, namespace, name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/')}`;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('aws-proton');
    const response = await this.options.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      // The backend's own message names what is wrong; "Request failed with 404" does not
      if (error.cause.message) {
        error.message = error.cause.message;
      }
      throw error;
    }
    return (await response.json()) as T;
  }
}
