import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * A template with a published version, as `GET /v1/service-templates` returns it.
 *
 * @public
 */
export interface ProtonPublishedTemplate {
  name: string;
  displayName?: string;
  description?: string;
  recommendedVersion: string;
  /** True for an environment template that registers existing infrastructure (`provisioning: CUSTOMER_MANAGED`). */
  customerManaged?: boolean;
  /** For a service template: whether its services get a pipeline Proton provisions (they then need a repository). */
  withPipeline?: boolean;
}

/**
 * A published version of a template.
 *
 * @public
 */
export interface ProtonPublishedTemplateVersion {
  majorVersion: string;
  minorVersion: string;
  description?: string;
  recommended: boolean;
}

/**
 * A template version with its `schema.yaml`.
 *
 * @public
 */
export interface ProtonTemplateVersionDetails {
  templateName: string;
  majorVersion: string;
  minorVersion: string;
  status: string;
  description?: string;
  schema: string;
  compatibleEnvironmentTemplates: Array<{
    templateName: string;
    majorVersion: string;
  }>;
}

/**
 * An environment a service template can deploy into.
 *
 * @public
 */
export interface ProtonCompatibleEnvironment {
  name: string;
  arn: string;
  description?: string;
  templateName: string;
  templateVersion: string;
  deploymentStatus: string;
  deployable: boolean;
}

/** Where the form fields read: the default account and region unless the template names others. */
export interface ProtonTarget {
  accountId?: string;
  region?: string;
}

// Reads shared by every field and validator of the page, so that the wizard asks once per URL.
const shared = new Map<string, Promise<unknown>>();

/**
 * Reads the template catalog routes of the `aws-proton` backend for the scaffolder form fields.
 */
export class ProtonTemplateCatalogClient {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  listTemplates(kind: 'service' | 'environment', target: ProtonTarget = {}) {
    return this.get<ProtonPublishedTemplate[]>(`/v1/${kind}-templates`, target);
  }

  listVersions(
    kind: 'service' | 'environment',
    name: string,
    target: ProtonTarget = {},
  ) {
    return this.get<ProtonPublishedTemplateVersion[]>(
      `/v1/${kind}-templates/${encodeURIComponent(name)}/versions`,
      target,
    );
  }

  getVersion(
    kind: 'service' | 'environment',
    name: string,
    version: string,
    target: ProtonTarget = {},
  ) {
    return this.get<ProtonTemplateVersionDetails>(
      `/v1/${kind}-templates/${encodeURIComponent(
        name,
      )}/versions/${encodeURIComponent(version)}`,
      target,
    );
  }

  listEnvironments(
    templateName: string,
    majorVersion: string,
    target: ProtonTarget = {},
  ) {
    return this.get<ProtonCompatibleEnvironment[]>(
      `/v1/environments?template=${encodeURIComponent(
        templateName,
      )}&major=${encodeURIComponent(majorVersion)}`,
      target,
    );
  }

  private async get<T>(path: string, target: ProtonTarget): Promise<T> {
    const query = new URLSearchParams();
    if (target.accountId) query.set('accountId', target.accountId);
    if (target.region) query.set('region', target.region);
    const suffix = query.toString()
      ? `${path.includes('?') ? '&' : '?'}${query.toString()}`
      : '';
    const base = await this.options.discoveryApi.getBaseUrl('aws-proton');
    const url = `${base}${path}${suffix}`;
    let pending = shared.get(url) as Promise<T> | undefined;
    if (!pending) {
      pending = (async () => {
        const response = await this.options.fetchApi.fetch(url);
        if (!response.ok) {
          const error = await ResponseError.fromResponse(response);
          if (error.cause.message) error.message = error.cause.message;
          throw error;
        }
        return (await response.json()) as T;
      })();
      shared.set(url, pending);
      // failures and results expire, so that a retry or a later visit reads again
      pending.then(
        () => setTimeout(() => shared.delete(url), 30_000),
        () => shared.delete(url),
      );
    }
    return pending;
  }
}
