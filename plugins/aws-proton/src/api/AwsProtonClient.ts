import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { AwsProtonApi, ServiceOverview } from './AwsProtonApi';

/**
 * The {@link AwsProtonApi} over HTTP, against the `aws-proton` backend plugin.
 *
 * @public
 */
export class AwsProtonClient implements AwsProtonApi {
  constructor(
    private readonly options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getServiceOverview(entity: CompoundEntityRef): Promise<ServiceOverview> {
    return this.get(`${this.entityPath(entity)}/service`);
  }

  private entityPath({ kind, namespace, name }: CompoundEntityRef): string {
    return `/v1/entities/${[kind, namespace, name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/')}`;
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('aws-proton');
    const response = await this.options.fetchApi.fetch(`${base}${path}`);
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
