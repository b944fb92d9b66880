import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  DeploymentView,
  EnvironmentOverview,
  InstanceDeploymentType,
  ServiceOverview,
} from '@proton-platform/plugin-aws-proton-common';

/**
 * What a redeploy or upgrade started.
 *
 * @public
 */
export interface InstanceUpdateResult {
  name: string;
  deploymentStatus: string;
  targetVersion: string;
}

/**
 * The frontend's access to the `aws-proton` backend. Every call names a catalog entity, never an ARN.
 *
 * @public
 */
export interface AwsProtonApi {
  getServiceOverview(entity: CompoundEntityRef): Promise<ServiceOverview>;
  getEnvironmentOverview(
    entity: CompoundEntityRef,
  ): Promise<EnvironmentOverview>;
  listServiceInstanceDeployments(
    entity: CompoundEntityRef,
    instanceName: string,
  ): Promise<DeploymentView[]>;
  listEnvironmentDeployments(
    entity: CompoundEntityRef,
  ): Promise<DeploymentView[]>;
  updateServiceInstance(
    entity: CompoundEntityRef,
    instanceName: string,
    deploymentType: InstanceDeploymentType,
  ): Promise<InstanceUpdateResult>;
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
