import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  Campaign,
  CampaignRequest,
} from '@proton-platform/plugin-aws-proton-common';

/**
 * Upgrade campaigns through the `aws-proton` backend plugin's HTTP API, on behalf of the task's
 * initiator: the campaigns live in that plugin's database and its scheduler runs them, and its
 * permission check (`aws-proton.template.upgrade-fleet`) and audit apply to the initiator.
 */
export class CampaignClient {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  /** Starts a campaign on a service template's entity, or with `dryRun` only plans it. */
  start(
    credentials: BackstageCredentials,
    template: CompoundEntityRef,
    request: CampaignRequest,
  ): Promise<Campaign> {
    return this.call(credentials, template, '', {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }

  /** Reads a campaign of a service template's entity. */
  get(
    credentials: BackstageCredentials,
    template: CompoundEntityRef,
    id: string,
  ): Promise<Campaign> {
    return this.call(credentials, template, `/${encodeURIComponent(id)}`);
  }

  private async call(
    credentials: BackstageCredentials,
    template: CompoundEntityRef,
    path: string,
    init: { method?: string; body?: string } = {},
  ): Promise<Campaign> {
    const [base, { token }] = await Promise.all([
      this.discovery.getBaseUrl('aws-proton'),
      this.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'aws-proton',
      }),
    ]);
    const entity = [template.kind, template.namespace, template.name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/');
    let response: Response;
    try {
      response = await fetch(
        `${base}/v1/entities/${entity}/template/campaigns${path}`,
        {
          ...init,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
        },
      );
    } catch (error) {
      throw new ServiceUnavailableError(
        `The aws-proton backend plugin could not be reached: ${
          (error as Error & { cause?: Error }).cause?.message ??
          (error as Error).message
        }`,
      );
    }
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.ok && body) return body as Campaign;
    const message: string =
      body?.error?.message ??
      `The aws-proton backend plugin answered HTTP ${response.status}`;
    switch (response.status) {
      case 400:
        throw new InputError(message);
      case 401:
      case 403:
        throw new NotAllowedError(message);
      case 404:
        throw new NotFoundError(message);
      case 409:
        throw new ConflictError(message);
      case 502:
      case 503:
      case 504:
        // a backend restarting, or a proxy before it: worth reading again
        throw new ServiceUnavailableError(message);
      default:
        throw new Error(message);
    }
  }
}
