import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';

/**
 * One service instance as the `aws-proton` backend returns it.
 *
 * @public
 */
export interface ServiceInstanceView {
  name: string;
  arn: string;
  environmentName: string;
  deploymentStatus: string;
  deploymentStatusMessage?: string;
  templateVersion: string;
  upgradeAvailable: boolean;
  lastDeploymentSucceededAt?: string;
}

/**
 * A Proton service with its instances, as the `aws-proton` backend returns it.
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
  instances: ServiceInstanceView[];
}

/**
 * The frontend's access to the `aws-proton` backend. Every call names a catalog entity, never an ARN.
 *
 * @public
 */
export interface AwsProtonApi {
  getServiceOverview(entity: CompoundEntityRef): Promise<ServiceOverview>;
}

/**
 * The API reference of {@link AwsProtonApi}.
 *
 * @public
 */
export const awsProtonApiRef = createApiRef<AwsProtonApi>({
  id: 'plugin.aws-proton.api',
});
