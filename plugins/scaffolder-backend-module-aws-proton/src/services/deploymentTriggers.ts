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

/**
 * Tells the `aws-proton` backend plugin that a task's initiator started deployments, so that the
 * deployment history on the entity pages names them: one `POST /v1/deployments/triggers` per batch
 * of new IDs, with a token made on behalf of the initiator (the plugin records that user, never
 * anybody else). Each ID is sent once per task. Never fails the action: where the plugin is not
 * installed or cannot be reached, the history shows those deployments without a trigger, and a
 * warning says so once.
 */
export class DeploymentTriggerRecorder {
  private readonly sent = new Set<string>();
  private warned = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly credentials: () => Promise<BackstageCredentials>,
    private readonly logger: LoggerService,
  ) {}

  /**
   * Records the IDs not sent before (undefined ones, of resources without a deployment, are
   * skipped); `ids` may be a read of them, whose failure is only warned of too.
   */
  async record(
    ids: Array<string | undefined> | (() => Promise<Array<string | undefined>>),
  ): Promise<void> {
    try {
      const read = typeof ids === 'function' ? await ids() : ids;
      const fresh = [
        ...new Set(
          read.filter((id): id is string => Boolean(id) && !this.sent.has(id!)),
        ),
      ];
      if (fresh.length === 0) return;
      for (const id of fresh) this.sent.add(id);
      const [base, { token }] = await Promise.all([
        this.discovery.getBaseUrl('aws-proton'),
        this.auth.getPluginRequestToken({
          onBehalfOf: await this.credentials(),
          targetPluginId: 'aws-proton',
        }),
      ]);
      const response = await fetch(`${base}/v1/deployments/triggers`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ deploymentIds: fresh }),
      });
      if (!response.ok) {
        const body = await response.text();
        let message = `HTTP ${response.status}`;
        try {
          message = JSON.parse(body)?.error?.message ?? message;
        } catch {
          // not JSON: a proxy's page, say; the status tells enough
        }
        throw new Error(message);
      }
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      this.logger.warn(
        `The deployment history will not name who started these deployments: the aws-proton backend plugin did not record it (${
          (error as Error & { cause?: Error }).cause?.message ??
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
): Promise<Array<string | undefined>> {
  if ('environmentName' in of) {
    const { environment } = await session.call(
      'GetEnvironment',
      `environment "${of.environmentName}"`,
      c => c.send(new GetEnvironmentCommand({ name: of.environmentName })),
    );
    return [environment?.lastAttemptedDeploymentId];
  }
  const ids: Array<string | undefined> = [];
  if (of.pipeline) {
    const { service } = await session.call(
      'GetService',
      `service "${of.serviceName}"`,
      c => c.send(new GetServiceCommand({ name: of.serviceName })),
    );
    ids.push(service?.pipeline?.lastAttemptedDeploymentId);
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
        ids.push(instance.lastAttemptedDeploymentId);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}
