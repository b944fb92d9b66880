import {
  GetEnvironmentCommand,
  GetServiceCommand,
  ListServiceInstancesCommand,
} from '@aws-sdk/client-proton';
import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ProtonSession } from './ProtonSession';

/** The deployment each resource is going through or went through last, by resource (`instance dev`). */
export type DeploymentsByResource = Record<string, string | undefined>;

/** How long the aws-proton plugin has to answer a record, in milliseconds. */
const RECORD_TIMEOUT_MS = 10_000;

/**
 * Tells the `aws-proton` backend plugin that a task's initiator started deployments, so that the
 * deployment history on the entity pages names them: one `POST /v1/deployments/triggers` per batch
 * of new IDs, with a token made on behalf of the initiator (the plugin records that user, never
 * anybody else). Each resource's first deployment seen in the task is the one its action started
 * and is sent once; a later one (someone else's redeploy while the task waits) is not. Never fails
 * the action: where the plugin is not installed or cannot be reached, the history shows those
 * deployments without a trigger, and one warning says so.
 */
export class DeploymentTriggerRecorder {
  private readonly seen = new Set<string>();
  private warned = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly credentials: () => Promise<BackstageCredentials>,
    private readonly target: { accountId: string; region: string },
    private readonly logger: LoggerService,
  ) {}

  /**
   * Records the deployment of each resource not seen before (a resource without one yet is looked
   * at again next time); `read` may be a read of them, whose failure is only warned of too.
   */
  async record(
    read: DeploymentsByResource | (() => Promise<DeploymentsByResource>),
  ): Promise<void> {
    try {
      const byResource = typeof read === 'function' ? await read() : read;
      const fresh: string[] = [];
      for (const [resource, id] of Object.entries(byResource)) {
        if (!id || this.seen.has(resource)) continue;
        this.seen.add(resource);
        fresh.push(id);
      }
      if (fresh.length === 0) return;
      const credentials = await this.credentials();
      // a task a backend service started has no user to name
      if ((credentials.principal as { type: string }).type !== 'user') return;
      const [base, { token }] = await Promise.all([
        this.discovery.getBaseUrl('aws-proton'),
        this.auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId: 'aws-proton',
        }),
      ]);
      let response: Response;
      try {
        response = await fetch(`${base}/v1/deployments/triggers`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ deploymentIds: fresh, ...this.target }),
          signal: AbortSignal.timeout(RECORD_TIMEOUT_MS),
        });
      } catch {
        throw new Error('it could not be reached');
      }
      if (!response.ok) {
        const body = await response.text();
        let message: string | undefined;
        try {
          message = JSON.parse(body)?.error?.message;
        } catch {
          // not JSON: a proxy's page, say; the status tells enough
        }
        throw new Error(
          `it answered HTTP ${response.status}${message ? `: ${message}` : ''}`,
        );
      }
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      this.logger.warn(
        `The deployment history will not name who started these deployments: the aws-proton backend plugin did not record it (${
          (error as Error).message
        })`,
      );
    }
  }
}

/**
 * The IDs of the deployments a resource is going through or went through last: an environment's, or
 * the named instances' of a service and, with `pipeline`, its pipeline's. Read once after an action
 * started them, so that a task that does not wait records them too.
 */
export async function lastDeploymentIds(
  session: ProtonSession,
  of:
    | { environmentName: string }
    | { serviceName: string; instanceNames: string[]; pipeline?: boolean },
): Promise<DeploymentsByResource> {
  if ('environmentName' in of) {
    const { environment } = await session.call(
      'GetEnvironment',
      `environment "${of.environmentName}"`,
      c => c.send(new GetEnvironmentCommand({ name: of.environmentName })),
    );
    return {
      [`environment ${of.environmentName}`]:
        environment?.lastAttemptedDeploymentId,
    };
  }
  const ids: DeploymentsByResource = {};
  if (of.pipeline) {
    const { service } = await session.call(
      'GetService',
      `service "${of.serviceName}"`,
      c => c.send(new GetServiceCommand({ name: of.serviceName })),
    );
    ids.pipeline = service?.pipeline?.lastAttemptedDeploymentId;
  }
  let nextToken: string | undefined;
  do {
    const request = { serviceName: of.serviceName, nextToken, maxResults: 100 };
    const page = await session.call(
      'ListServiceInstances',
      `service "${of.serviceName}"`,
      c => c.send(new ListServiceInstancesCommand(request)),
    );
    for (const instance of page.serviceInstances ?? []) {
      if (of.instanceNames.includes(instance.name ?? '')) {
        ids[`instance ${instance.name}`] = instance.lastAttemptedDeploymentId;
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}
